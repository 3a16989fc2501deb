"""The browser files the gateway serves: an allow-list read from the packages' resources,
with the screens' content security policy, revalidated by ETag."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from services.gateway.edge import static_files

SERVED = [
    ("/console/", "text/html"), ("/console/js/main.js", "text/javascript"),
    ("/console/i18n/id.json", "application/json"), ("/console/vendor/qrcode.mjs", "text/javascript"),
    ("/survey/", "text/html"), ("/survey/sw.js", "text/javascript"),
    ("/common/keep.js", "text/javascript"), ("/graphiql/vendor/graphiql.min.js", "text/javascript"),
    ("/graphiql/vendor/react.LICENSE", "text/plain"),
]  # fmt: skip
NEVER = ["/console/biome.json", "/console/__init__.py", "/survey/__init__.py",
         "/console/../scoring/app.py", "/console/%2e%2e/kernel/auth.py", "/graphiql/../app.py",
         "/console/js/", "/common/nothing.js"]  # fmt: skip


@pytest.fixture
async def client():
    app = Starlette(routes=static_files.routes())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as opened:
        yield opened


@pytest.mark.parametrize(("path", "media_type"), SERVED)
async def test_the_screens_files_are_served_with_their_policy(client, path, media_type) -> None:
    served = await client.get(path)
    assert served.status_code == 200
    assert served.headers["content-type"].startswith(media_type)
    policy = served.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy
    assert served.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", NEVER)
async def test_nothing_outside_the_allow_list_is_served(client, path) -> None:
    assert (await client.get(path, follow_redirects=False)).status_code == 404


async def test_only_graphiql_may_use_inline_styles(client) -> None:
    graphiql, console = await client.get("/graphiql/start.js"), await client.get("/console/")
    assert "'unsafe-inline'" in graphiql.headers["content-security-policy"]
    assert "'unsafe-inline'" not in console.headers["content-security-policy"]


async def test_a_file_unchanged_since_the_browser_read_it_is_not_sent_again(client) -> None:
    first = await client.get("/console/js/main.js")
    etag = first.headers["etag"]
    for held in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = await client.get("/console/js/main.js", headers={"if-none-match": held})
        assert (again.status_code, again.content) == (304, b""), held
    changed = await client.get("/console/js/main.js", headers={"if-none-match": '"other"'})
    assert changed.status_code == 200


async def test_the_bare_paths_lead_to_their_screens(client) -> None:
    for path, target in (("/", "/console/"), ("/console", "/console/"), ("/survey", "/survey/")):
        moved = await client.get(path, follow_redirects=False)
        assert moved.headers["location"] == target
