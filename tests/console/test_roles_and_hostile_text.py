"""What the console shows each role, and text from the data shown as text, never run."""

from __future__ import annotations

import httpx
from playwright.sync_api import expect

from services.kernel import auth
from services.kernel.auth import Role
from tests.console.conftest import Console, token
from tests.e2e.suite import Suite
from tests.support import SECRET

REGION = "12.07"
HOSTILE = '<img src=x onerror="window.__ran = 1"><script>window.__ran = 1</script>'
DRAFT = "mutation($i: DraftRuleSetInput!) { draftRuleSet(input: $i) { id } }"
FINDING = "mutation($i: AddFindingInput!) { addFinding(input: $i) { assessor } }"


def graphql(suite: Suite, bearer: str, query: str, variables: dict) -> dict:
    answer = httpx.post(suite.gateway, json={"query": query, "variables": variables},
                        headers={"Authorization": f"Bearer {bearer}"}, timeout=30)  # fmt: skip
    body = answer.json()
    assert "errors" not in body, body
    return body["data"]


def test_a_ministry_reads_rules_but_changes_nothing(console: Console):
    page = console.sign_in(token(Role.MINISTRY))
    expect(page.locator("h1")).to_have_text("Evaluation season")  # where a ministry starts
    page.get_by_role("link", name="Rule sets").click()
    expect(page.locator("#versions tbody tr").first).to_be_visible()
    expect(page.get_by_role("link", name="New draft from the active v1")).to_have_count(0)
    page.locator("#versions a").first.click()
    expect(page.locator("h2", has_text="Document")).to_be_visible()
    expect(page.get_by_role("button", name="Simulate")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit as a new draft")).to_have_count(0)
    console.open("/rules/v1/edit")
    expect(page.locator("h1")).to_have_text("Not for your role")


def test_a_region_operator_sees_scorecards_and_no_rules(console: Console):
    page = console.sign_in(token(Role.REGION_OPERATOR, region=REGION))
    expect(page.locator("h1")).to_contain_text(REGION)  # its workspace, where it starts
    expect(page.locator("#nav")).not_to_contain_text("Rule sets")
    page.get_by_role("link", name="Scorecards").click()
    expect(page.locator("#ranking tbody tr")).to_have_count(1)  # an open cycle: its own region
    assert page.locator("#ranking tbody tr").get_attribute("data-region") == REGION
    console.open("/rules")
    expect(page.locator("h1")).to_have_text("Not for your role")


def test_an_expired_or_foreign_token_is_refused(console: Console):
    page = console.sign_in(token(Role.ADMIN)[:-4] + "AAAA")  # the signature no longer matches
    expect(page.get_by_role("alert")).to_have_text("The gateway does not accept this token.")
    expect(page.locator("#nav a")).to_have_count(0)


def test_text_from_the_data_is_shown_as_text(console: Console, suite: Suite):
    admin = token(Role.ADMIN)
    document = f"name: '{HOSTILE}'\nmethodology: {{}}\nrules: []\n"
    drafted = graphql(suite, admin, DRAFT, {"i": {"text": document}})["draftRuleSet"]["id"]
    cycle_id = graphql(suite, admin, "{ evaluationCycles { id } }", {})["evaluationCycles"][0]["id"]
    finding = {"regionCode": REGION, "cycleId": cycle_id, "kind": "WEAKNESS", "text": HOSTILE}
    assessor = auth.mint(SECRET, Role.ASSESSOR, subject="demo-ui")  # assigned by the demo
    graphql(suite, assessor, FINDING, {"i": finding})

    page = console.sign_in(admin)
    console.open(f"/rules/{drafted}")
    expect(page.locator(".highlight")).to_contain_text(HOSTILE)
    console.open(f"/regions/{REGION}/{cycle_id}")
    expect(page.locator("#findings")).to_contain_text(HOSTILE)
    expect(page.locator("#findings")).to_contain_text(
        "menjadi kekuatan"
    )  # the demo's lead assessor
    console.screenshot("07-region")
    assert page.evaluate("window.__ran") is None
