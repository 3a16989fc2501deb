"""Sheets imported from the browser, checked whole, each problem shown at its line and column
and nothing stored on any; and text typed into the season's forms shown as text, never run."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from services.kernel.auth import Role
from tests.console.conftest import token
from tests.console.season.conftest import OPEN, Tab
from tests.e2e.suite import Suite

HOSTILE = '<img src=x onerror="window.__ran = 1"><script>window.__ran = 1</script>'
PROGRAMS = '{ region(code: "63.03") { programs(first: 500) { name } } }'
CLOSE = "mutation($id: ID!) { closeEvaluationCycle(id: $id) { id } }"
HEADER = "name;dimension;sub dimension;agency;start year;target year\n"


def program_names(suite: Suite) -> list[str]:
    return sorted(p["name"] for p in suite.graphql(PROGRAMS)["region"]["programs"])


def test_a_sheet_of_programs_with_problems_stores_nothing_and_shows_each_at_its_cell(
    tab: Tab, suite: Suite
):
    before = program_names(suite)
    page = tab().sign_in(token(Role.REGION_OPERATOR, "63.03"))
    sheet = page.locator("#program-import")
    sheet.locator("textarea").fill(
        HEADER + "Pasar Digital;economy;traffic;Disperindag;2024;2026\n"
        "Sekolah Pintar;Smart Living;education;Disdik;20x4;2026\n"
    )
    sheet.get_by_role("button", name="Check (nothing is stored)").click()
    problems = page.locator("#problems tbody tr")
    # the sheet's own problems first: a year that is none
    expect(problems).to_have_text(["3start yearnot a year"])
    sheet.locator("textarea").fill(
        HEADER + "Pasar Digital;economy;traffic;Disperindag;2024;2026\n"
        "Sekolah Pintar;Smart Living;health;Disdik;2024;2026\n"
    )
    sheet.get_by_role("button", name="Check (nothing is stored)").click()
    # then the catalog's, of every row: a sub-dimension of another dimension
    expect(problems).to_have_text([re.compile("^2sub dimension'traffic' is not")])
    assert program_names(suite) == before

    sheet.locator("textarea").fill(
        HEADER + "Pasar Digital;economy;welfare;Disperindag;2024;2026\n"
        "Sekolah Pintar;Smart Living;health;Disdik;2024;2026\n"
    )
    sheet.get_by_role("button", name="Check (nothing is stored)").click()
    expect(sheet).to_contain_text("2 programs to add, 0 already there")
    assert program_names(suite) == before
    sheet.get_by_role("button", name="Import").click()
    expect(page.locator("#notice")).to_contain_text("2 programs added")
    assert program_names(suite) == sorted([*before, "Pasar Digital", "Sekolah Pintar"])


def test_published_results_are_shown_by_a_dry_run_before_they_are_stored(tab: Tab, suite: Suite):
    past = {"year": 2019, "stage": "TAHAP_2", "cohort": "regular_2017_2019",
            "opensOn": "2019-03-01", "closesOn": "2019-11-30", "regionCodes": ["16.06"]}  # fmt: skip
    cycle_id = suite.graphql(OPEN, {"i": past})["createEvaluationCycle"]["id"]
    suite.graphql(CLOSE, {"id": cycle_id})
    page = tab().sign_in(token(Role.ADMIN))
    page.get_by_role("link", name="Import results").click()
    form = page.locator("#import")
    form.locator("select[name=cycle]").select_option(cycle_id)
    columns = "region,year,cohort,final,document,baseline,baseline weight,output,output weight"
    form.locator("textarea").fill(
        f"{columns}\n16.06,2019,regular_2017_2019,2.5,B-123/2019,2.5,40,abc,60\n"
    )
    form.get_by_role("button", name="Check (nothing is stored)").click()
    expect(page.locator("#problems tbody tr")).to_have_text(["2outputnot a number"])
    form.locator("textarea").fill(
        f"{columns}\n16.06,2019,regular_2017_2019,2.5,B-123/2019,2.5,40,2.5,60\n"
    )
    form.get_by_role("button", name="Check (nothing is stored)").click()
    preview = page.locator("#preview tbody tr")
    expect(preview).to_have_count(1)
    expect(preview).to_contain_text("16.06")
    expect(preview).to_contain_text("2.50")
    page.get_by_role("button", name="Store", exact=True).click()
    expect(page.locator("#outcome")).to_contain_text("Stored: 1 new")
    card = suite.graphql(
        'query($c: String!) { scorecard(regionCode: "16.06", cycleId: $c) { finalIndex source } }',
        {"c": cycle_id},
    )["scorecard"]
    assert card == {"finalIndex": 2.5, "source": "PUBLISHED"}


def test_text_typed_into_the_seasons_forms_is_shown_as_text(tab: Tab):
    admin = tab()
    page = admin.sign_in(token(Role.ADMIN))
    page.get_by_role("link", name="Assessors").click()
    register = page.locator("#register")
    register.locator("[name=name]").fill(HOSTILE)
    register.locator("[name=institution]").fill("Universitas <b>Terbuka</b>")
    register.get_by_role("button", name="Register").click()
    expect(page.locator("#assessors")).to_contain_text(HOSTILE)

    operator = tab()
    page = operator.sign_in(token(Role.REGION_OPERATOR, "63.03"))
    page.get_by_text("Add a program").click()
    form = page.locator("#new-program")
    form.locator("[name=name]").fill(HOSTILE)
    form.locator("[name=agency]").fill("Bappeda")
    form.get_by_role("button", name="Add the program").click()
    expect(page.locator("#programs")).to_contain_text(HOSTILE)
    for opened in (admin, operator):
        assert opened.page.evaluate("window.__ran") is None
