"""GraphiQL at the gateway's /graphql: it renders and runs a query with no network beyond the
gateway, as the console's signed-in user."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Route, expect

from services.kernel.auth import Role
from tests.console.conftest import Console, token


def test_graphiql_runs_a_query_as_the_signed_in_user_with_no_other_network(console: Console):
    gateway = urlsplit(console.address)
    elsewhere: list[str] = []

    def only_the_gateway(route: Route) -> None:
        asked = urlsplit(route.request.url)
        if (asked.scheme, asked.netloc) == (gateway.scheme, gateway.netloc):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page, ministry = console.page, token(Role.MINISTRY)
    page.route("**/*", only_the_gateway)
    console.sign_in(ministry)
    sent: list[str | None] = []
    page.on(
        "request",
        lambda r: sent.append(r.headers.get("authorization")) if r.method == "POST" else None,
    )
    page.goto(f"{gateway.scheme}://{gateway.netloc}/graphql")
    run = page.locator(".graphiql-execute-button")
    expect(run).to_be_visible(timeout=20_000)
    run.click()
    expect(page.locator(".graphiql-response")).to_contain_text('"regions"', timeout=20_000)
    expect(page.locator(".graphiql-response")).to_contain_text('"finalIndex"')
    console.screenshot("20-graphiql")
    assert elsewhere == []
    assert sent and all(header == f"Bearer {ministry}" for header in sent)
