"""A region page's "how to improve": the changes worth most, a plan to a target and a what-if
answered as the user types, kept through a reload; in both languages, accessible, and usable
on a phone."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from services.kernel.auth import Role
from tests.console.axe import severe_violations
from tests.console.conftest import Console, token
from tests.console.season.test_screens import PHONE_WIDTH, wider_than_the_window


def region_page(console: Console, role: Role = Role.MINISTRY) -> Page:
    page = console.sign_in(token(role))
    page.locator("#nav a[href='#/scorecards']").click()
    page.locator("#ranking tbody tr a").first.click()
    expect(page.locator("#improve")).to_be_visible()
    return page


def test_the_changes_worth_most_a_plan_and_a_what_if_kept_through_a_reload(console: Console):
    page = region_page(console)
    page.get_by_role("button", name="Find the changes worth most").click()
    rows = page.locator("#candidates tbody tr")
    expect(rows).to_have_count(10, timeout=60_000)
    differences = rows.locator("td:nth-child(3)").all_inner_texts()
    assert differences[0].startswith("+"), differences

    page.get_by_label("Target").fill("rank:1")
    page.get_by_role("button", name="Plan", exact=True).click()
    expect(page.locator("#plan-ending")).to_contain_text("rank:1", timeout=60_000)

    page.get_by_role("button", name="Add a question").click()
    page.get_by_label("Question code").fill("A.1.1.1")
    page.locator("#what-if-rows select[name=score]").select_option("0")
    result = page.locator("#what-if-result")
    expect(result).to_contain_text(re.compile(r"index [0-9.,]+ \(.+\), rank \d+ in cohort"))
    page.reload()
    expect(page.get_by_label("Question code")).to_have_value("A.1.1.1")
    expect(page.locator("#what-if-rows select[name=score]")).to_have_value("0")
    expect(result).to_contain_text("rank")
    assert severe_violations(page) == []
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    wider = wider_than_the_window(page)
    assert wider == [], wider
    console.screenshot("region-improve-phone")


def test_a_wrong_question_code_is_said_where_it_was_typed(console: Console):
    page = region_page(console)
    page.get_by_role("button", name="Add a question").click()
    page.get_by_label("Question code").fill("Z.9")
    expect(page.locator("#what-if-result")).to_contain_text("Z.9 is not a question")
    expect(page.locator("#what-if-result")).to_contain_text("(scores)")


def test_how_to_improve_in_bahasa_indonesia(konsol: Console):
    page = region_page(konsol)
    expect(page.get_by_role("heading", name="Cara meningkatkan")).to_be_visible()
    page.get_by_role("button", name="Cari perubahan paling bernilai").click()
    expect(page.locator("#candidates tbody tr").first).to_contain_text("Naikkan", timeout=60_000)
    assert severe_violations(page) == []
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    konsol.screenshot("region-improve-phone-id")
