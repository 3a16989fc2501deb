"""The browser files the gateway serves: the console at /console/, the citizens' survey at
/survey/ (a page of its own that loads nothing of the console), what both use at /common/,
and GraphiQL at /graphiql/ (its page is the answer to a browser's GET of /graphql).

Each folder is read as its package's resources, so an installed wheel serves what it ships,
and only an allow-list of files is served: pages, scripts, styles, translations and the
pinned vendored files with their licences. Nothing else in those packages (their Python,
their lint settings) can be reached. The screens talk to nothing but the gateway's own
/graphql, and their content security policy tells the browser so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

Endpoint = Callable[[Request], Awaitable[Response]]
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".LICENSE": "text/plain; charset=utf-8",
}
NOT_SERVED = frozenset({"biome.json"})  # the console's lint settings
COMMON_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-cache",  # revalidated (by ETag), so a new release is picked up at once
}
SCREENS_HEADERS = COMMON_HEADERS | {
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
}
GRAPHIQL_HEADERS = COMMON_HEADERS | {
    # GraphiQL sets styles on its elements: its page allows inline styles, never scripts
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
}


@dataclass(frozen=True)
class Site:
    """A folder of browser files served under `path`."""

    path: str
    package: str
    below: str = ""  # a folder inside the package
    headers: dict[str, str] = field(default_factory=lambda: SCREENS_HEADERS, compare=False)


@dataclass(frozen=True)
class File:
    content: bytes
    media_type: str
    etag: str


CONSOLE = Site("/console", "services.console")
SURVEY = Site("/survey", "services.citizen_survey")
COMMON = Site("/common", "services.web_common")
GRAPHIQL = Site("/graphiql", "services.gateway", "graphiql", GRAPHIQL_HEADERS)
SITES = (CONSOLE, SURVEY, COMMON, GRAPHIQL)


def _media_type(name: str) -> str | None:
    suffix = name[name.rfind(".") :] if "." in name else ""
    return None if name in NOT_SERVED else MEDIA_TYPES.get(suffix)


def _walk(folder: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    for entry in folder.iterdir():
        if entry.is_dir():
            if entry.name != "__pycache__":
                yield from _walk(entry, f"{prefix}{entry.name}/")
        else:
            yield f"{prefix}{entry.name}", entry


@cache
def allowed(site: Site) -> dict[str, File]:
    """The site's files that may be served, by their path below it, read once."""
    folder = resources.files(site.package)
    for part in filter(None, site.below.split("/")):
        folder = folder.joinpath(part)
    found = {}
    for name, entry in _walk(folder):
        media_type = _media_type(entry.name)
        if media_type:
            content = entry.read_bytes()
            etag = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
            found[name] = File(content, media_type, etag)
    return found


def _serving(site: Site):
    async def serve(request: Request) -> Response:
        name = request.path_params.get("name", "")
        if name == "" or name.endswith("/"):
            name += "index.html"
        found = allowed(site).get(name)
        if found is None:
            return Response("not found", 404, headers=site.headers, media_type="text/plain")
        headers = site.headers | {"etag": found.etag}
        if _unchanged(request.headers.get("if-none-match", ""), found.etag):
            return Response(status_code=304, headers=headers)
        return Response(found.content, media_type=found.media_type, headers=headers)

    return serve


def _unchanged(if_none_match: str, etag: str) -> bool:
    """Whether the browser holds this version: its If-None-Match names the ETag (weakly or
    not, alone or in a list) or is `*`."""
    held = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag in held or "*" in held


def graphiql_page() -> HTMLResponse:
    page = allowed(GRAPHIQL)["index.html"]
    return HTMLResponse(page.content, headers=GRAPHIQL_HEADERS)


def _to(path: str):
    async def redirect(_: Request) -> Response:
        return RedirectResponse(path)

    return redirect


def routes() -> list[BaseRoute]:
    found: list[BaseRoute] = [Route("/", _to(f"{CONSOLE.path}/"))]
    for site in SITES:
        serve = _serving(site)
        found += [
            Route(site.path, _to(f"{site.path}/")),
            Route(f"{site.path}/{{name:path}}", serve, methods=["GET", "HEAD"]),
        ]
    return found
