"""The screens the gateway serves as static files: the console at /console/, the citizens'
survey at /survey/ (a page of its own that loads nothing of the console), and what both use
at /common/. They talk to nothing but the gateway's own /graphql (their content security
policy says so to the browser too)."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SERVICES = Path(__file__).resolve().parents[1]
FILES = SERVICES / "console"  # the package services.console
PATH = "/console"
SURVEY_FILES, SURVEY_PATH = SERVICES / "citizen_survey", "/survey"
COMMON_FILES, COMMON_PATH = SERVICES / "web_common", "/common"
HEADERS = {
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-cache",  # revalidated, so a new release is picked up at once
}


class WithHeaders:
    """An app whose every response carries `headers` too."""

    def __init__(self, app: ASGIApp, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [(k.encode(), v.encode()) for k, v in self.headers.items()]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _to_console(_: Request) -> Response:
    return RedirectResponse(f"{PATH}/")


async def _to_survey(_: Request) -> Response:
    return RedirectResponse(f"{SURVEY_PATH}/")


def _static(path: str, folder: Path, name: str) -> Mount:
    return Mount(
        path, app=WithHeaders(StaticFiles(directory=folder, html=True), HEADERS), name=name
    )


def routes() -> list[BaseRoute]:
    return [
        Route("/", _to_console),
        Route(PATH, _to_console),
        Route(SURVEY_PATH, _to_survey),
        _static(PATH, FILES, "console"),
        _static(SURVEY_PATH, SURVEY_FILES, "survey"),
        _static(COMMON_PATH, COMMON_FILES, "common"),
    ]
