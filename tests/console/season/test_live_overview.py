"""The season's overview follows the scorecards as scoring stores them, without a reload, and
says so; when it cannot be told (the stream refused or cut), it reads them again itself."""

from __future__ import annotations

import re

from playwright.sync_api import Route, expect

from services.kernel.auth import Role
from tests.console.conftest import token
from tests.console.season.conftest import Tab, cycle_through_the_api
from tests.console.season.test_season_in_the_browser import SCORE, token_of
from tests.e2e.suite import Suite

REGION = "12.07"
ASSESSOR = "demo-itb"
QUESTIONS = '{ instrument(key: "smartcity-evaluation-2023") { sections { questions { code } } } }'
FINAL = "query($r: String!, $c: String!) { scorecard(regionCode: $r, cycleId: $c) { finalIndex } }"


def test_the_overview_shows_a_scorecard_as_it_changes_and_asks_again_when_not_told(
    tab: Tab, suite: Suite
):
    cycle = {"year": 2031, "stage": "TAHAP_1", "cohort": "regular_2017_2019",
             "opensOn": "2031-01-01", "closesOn": "2031-12-31", "regionCodes": [REGION]}  # fmt: skip
    cycle_id, campaigns = cycle_through_the_api(suite, cycle, REGION, [ASSESSOR])

    for language, told in (("en", "Scorecards update here as scoring stores them."),
                           ("id", "Skor di sini diperbarui begitu layanan penilaian menyimpannya.")):  # fmt: skip
        page = tab(language).sign_in(token(Role.MINISTRY))
        page.goto(f"{page.url.split('#')[0]}#/season/{cycle_id}")
        expect(page.locator("#scorecards-told")).to_have_text(told)
    row = page.locator(f"#season tr[data-region='{REGION}']")

    found = suite.graphql(QUESTIONS)["instrument"]["sections"]
    scores = [{"questionCode": q["code"], "score": 4} for s in found for q in s["questions"]]
    given = {"i": {"campaignId": campaigns["ASSESSOR"], "scores": scores}}
    assert "errors" not in suite.answer(SCORE, given, bearer=token_of(ASSESSOR))
    shown = None
    for _ in range(60):  # the page is not reloaded: the stream brings each change
        final = suite.graphql(FINAL, {"r": REGION, "c": cycle_id})["scorecard"]
        if final and final["finalIndex"] > 0:
            shown = f"{final['finalIndex']:.2f}"
            if shown.replace(".", ",") in (row.text_content() or ""):  # Bahasa Indonesia's
                break
        page.wait_for_timeout(500)
    assert shown is not None
    expect(row).to_contain_text(shown.replace(".", ","))

    # cut off from the stream, the page reads the scorecards again every few seconds
    cut = tab("en")

    def no_stream(route: Route) -> None:
        accept = route.request.headers.get("accept", "")
        route.abort() if "text/event-stream" in accept else route.continue_()

    cut.page.route(re.compile(r".*/graphql$"), no_stream)
    page = cut.sign_in(token(Role.MINISTRY))
    page.goto(f"{page.url.split('#')[0]}#/season/{cycle_id}")
    expect(page.locator("#scorecards-told")).to_have_text(
        "Scorecards are read again every 15 seconds."
    )
    expect(page.locator(f"#season tr[data-region='{REGION}']")).to_contain_text(shown)
