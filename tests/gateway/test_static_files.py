"""The browser files the gateway serves: an allow-list read from the packages' resources,
with the screens' content security policy, revalidated by ETag."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

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


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(Starlette(routes=static_files.routes()))


@pytest.mark.parametrize(("path", "media_type"), SERVED)
def test_the_screens_files_are_served_with_their_policy(client, path, media_type) -> None:
    served = client.get(path)
    assert served.status_code == 200
    assert served.headers["content-type"].startswith(media_type)
    policy = served.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy
    assert served.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", NEVER)
def test_nothing_outside_the_allow_list_is_served(client, path) -> None:
    assert client.get(path, follow_redirects=False).status_code == 404


def test_only_graphiql_may_use_inline_styles(client) -> None:
    assert "'unsafe-inline'" in client.get("/graphiql/start.js").headers["content-security-policy"]
    assert "'unsafe-inline'" not in client.get("/console/").headers["content-security-policy"]


def test_a_file_unchanged_since_the_browser_read_it_is_not_sent_again(client) -> None:
    first = client.get("/console/js/main.js")
    again = client.get("/console/js/main.js", headers={"if-none-match": first.headers["etag"]})
    assert (again.status_code, again.content) == (304, b"")


def test_the_bare_paths_lead_to_their_screens(client) -> None:
    for path, target in (("/", "/console/"), ("/console", "/console/"), ("/survey", "/survey/")):
        assert client.get(path, follow_redirects=False).headers["location"] == target
