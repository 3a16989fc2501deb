"""The ranking table: ordered by any column, filtered by cohort and province, following a
rescoring."""

from __future__ import annotations

import re

import pypdf
from playwright.sync_api import Route, expect

from services.kernel.auth import Role
from tests.console.conftest import Console, token


def column(console: Console, index: int) -> list[str]:
    cells = console.page.locator(f"#ranking tbody tr td:nth-child({index})")
    return cells.all_inner_texts()


def test_the_ranking_sorts_by_any_column_and_filters(console: Console):
    page = console.sign_in(token(Role.MINISTRY))
    page.get_by_role("link", name="Scorecards").click()
    expect(page.locator("#ranking tbody tr")).to_have_count(3)
    by_rank = [float(i) for i in column(console, 6)]
    assert by_rank == sorted(by_rank, reverse=True)

    page.locator("button.sort[data-key=finalIndex]").click()
    expect(page.locator("th[aria-sort=ascending]")).to_have_text("Index")
    assert [float(i) for i in column(console, 6)] == sorted(by_rank)
    page.locator("button.sort[data-key=finalIndex]").click()
    assert [float(i) for i in column(console, 6)] == sorted(by_rank, reverse=True)
    page.locator("button.sort[data-key=province]").click()
    provinces = column(console, 3)
    assert provinces == sorted(provinces)

    page.select_option("select[name=province]", "Sumatera Utara")
    expect(page.locator("#ranking tbody tr")).to_have_count(1)
    expect(page.locator("#shown")).to_have_text("1 of 3 regions")
    page.select_option("select[name=province]", "")
    cohort = page.locator("select[name=cohort] option").nth(1).get_attribute("value")
    page.select_option("select[name=cohort]", cohort)
    expect(page.locator("#ranking tbody tr")).to_have_count(3)  # the demo's regions share one
    console.screenshot("08-ranking")


def test_the_ranking_follows_a_rescoring_until_every_scorecard_is_on_the_active_rules(
    console: Console,
):
    behind_by_answer = iter([2, 1])  # scorecards not yet rescored, answer by answer; then none

    def mid_rescoring(route: Route) -> None:
        """The gateway's real answers, with the first scorecards still on an older rule set;
        no stream of the rescoring's progress, so the page asks again itself."""
        if "text/event-stream" in route.request.headers.get("accept", ""):
            route.abort()
            return
        response = route.fetch()
        body = response.json()
        data = body.get("data") or {}
        if "ranking" in data and "ruleSets" in data:
            for card in data["ranking"][: next(behind_by_answer, 0)]:
                card["rulesetVersion"] = 0  # a version other than the active one
        route.fulfill(response=response, json=body)

    page = console.page
    page.route("**/graphql", mid_rescoring)
    console.sign_in(token(Role.MINISTRY))
    page.get_by_role("link", name="Scorecards").click()
    status = page.locator("#rescoring")
    expect(status).to_contain_text("1 of 3 scorecards done")
    expect(page.locator("#ranking tbody tr").nth(1)).to_contain_text("v0")
    expect(status).to_contain_text("2 of 3 scorecards done")  # without a reload
    expect(page.locator("#ranking tbody tr").nth(1)).not_to_contain_text("v0")
    expect(status).to_have_text(re.compile(r"Every scorecard is on the active rule set v\d+\."))
    expect(page.locator("#ranking")).not_to_contain_text("v0")


def test_a_region_page_downloads_its_results_letter(console: Console, tmp_path):
    page = console.sign_in(token(Role.MINISTRY))
    page.get_by_role("link", name="Scorecards").click()
    page.locator("#ranking tbody tr a").first.click()
    expect(page.locator("#letter")).to_be_visible()
    # the cycle and its survey campaigns by their names, not their ids
    expect(page.locator("p.muted").first).to_contain_text("2023 · Tahap II · regular (2017-2019)")
    expect(page.locator("#campaigns tbody td:first-child")).to_have_text(
        ["Assessors' evaluation · 2023 · Tahap II · regular (2017-2019)",
         "Citizen survey · 2023 · Tahap II · regular (2017-2019)"]
    )  # fmt: skip
    final = page.locator(".tile strong").first.inner_text()
    with page.expect_download() as downloading:
        page.locator("#letter").click()
    saved = tmp_path / downloading.value.suggested_filename
    downloading.value.save_as(saved)
    assert saved.name.startswith("hasil-evaluasi-") and saved.suffix == ".pdf"
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(saved).pages)
    # the console's language: in English, the letter's English edition
    assert f"Final Index (Achievement Index) {final}" in text
