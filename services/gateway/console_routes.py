"""The admin console: static files the gateway serves at /console/, which talk to nothing but
the gateway's own /graphql (its content security policy says so to the browser too)."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

FILES = Path(__file__).resolve().parents[1] / "console"  # the package services.console
PATH = "/console"
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


def routes() -> list[BaseRoute]:
    return [
        Route("/", _to_console),
        Route(PATH, _to_console),
        Mount(
            PATH, app=WithHeaders(StaticFiles(directory=FILES, html=True), HEADERS), name="console"
        ),
    ]
