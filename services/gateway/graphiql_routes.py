"""GraphiQL at the gateway's /graphql, for browsers: its page and files come from the
distribution (GraphiQL and React are committed at pinned versions, see tools/vendored.py),
so it runs with no network beyond the gateway. Its content security policy says so too."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from services.gateway.console_routes import WithHeaders

FILES = Path(__file__).resolve().parent / "graphiql"
PATH = "/graphiql"
HEADERS = {
    # GraphiQL sets styles on its elements: its page allows inline styles, never scripts
    "content-security-policy": (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-cache",
}


@cache
def _page() -> str:
    return (FILES / "index.html").read_text()


def page() -> HTMLResponse:
    return HTMLResponse(_page(), headers=HEADERS)


def routes() -> list[BaseRoute]:
    return [Mount(PATH, app=WithHeaders(StaticFiles(directory=FILES), HEADERS), name="graphiql")]
