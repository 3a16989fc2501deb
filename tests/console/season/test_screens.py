"""Every screen of the season, in Bahasa Indonesia and English: no serious or critical
accessibility violation (axe-core, WCAG 2.2 AA), usable on a phone-sized window (nothing
wider than it but the tables, which scroll in their own box), and a screenshot of each
under `build/screenshots/`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from services.kernel import auth
from services.kernel.auth import Role
from tests.console.axe import severe_violations
from tests.console.conftest import SCREENSHOTS, Console, token
from tests.console.season.conftest import DESK, Tab, cycle_through_the_api, survey_address
from tests.e2e.suite import Suite
from tests.support import SECRET

REGION = "12.07"
PHONE_WIDTH = 360
ISSUE = "mutation($i: IssueRespondentTokensInput!) { issueRespondentTokens(input: $i) }"


@dataclass(frozen=True)
class Season:
    cycle_id: str
    campaigns: dict[str, str]  # audience -> id
    citizen_token: str


@pytest.fixture(scope="module")
def season(suite: Suite) -> Season:
    """A cycle of its own (2025, field review) with the region's three campaigns open, the
    demo's assessors assigned and one citizen's token issued."""
    today = dt.date.today()
    cycle = {"year": 2025, "stage": "FIELD", "cohort": "regular_2017_2019",
             "opensOn": today.isoformat(), "closesOn": (today + dt.timedelta(days=30)).isoformat(),
             "regionCodes": [REGION]}  # fmt: skip
    cycle_id, campaigns = cycle_through_the_api(suite, cycle, REGION, ["demo-ui", "demo-itb"])
    issue = {"campaignId": campaigns["CITIZEN"], "count": 1, "subDimension": "public_service"}
    (citizen,) = suite.graphql(ISSUE, {"i": issue})["issueRespondentTokens"]
    return Season(cycle_id, campaigns, citizen)


# name: (who signs in, the route, what shows the screen is drawn)
SCREENS = {
    "season": (Role.ADMIN, "/season", "#cycles"),
    "season-cycle": (Role.ADMIN, "/season/{cycle}", "#season tbody tr"),
    "assessors": (Role.ADMIN, "/assessors", "#assessors tbody tr"),
    "import": (Role.ADMIN, "/import", "#import"),
    "workspace": (Role.REGION_OPERATOR, "/workspace", "#programs li"),
    "self-assessment": (Role.REGION_OPERATOR, "/workspace/self-assessment/{self}", "#section li"),
    "workbench": (Role.ASSESSOR, "/assess", "#assignments li"),
    "scoring": (Role.ASSESSOR, "/assess/{cycle}/" + REGION, "#section li"),
    "desk": (Role.ENUMERATOR, "/desk", "section[data-campaign] tbody tr"),
    "token-cards": (Role.ENUMERATOR, None, "svg.qr"),
}


def signed_in(console: Console, role: Role) -> str:
    bearer = (
        auth.mint(SECRET, role, subject="demo-ui")
        if role is Role.ASSESSOR
        else token(role, REGION if role in (Role.REGION_OPERATOR, Role.ENUMERATOR) else None)
    )
    console.sign_in(bearer)
    return bearer


def open_screen(console: Console, name: str, season: Season) -> Page:
    role, route, ready = SCREENS[name]
    page = console.page
    if page.locator("#nav a").count() == 0:
        signed_in(console, role)
    if route is None:  # the cards of tokens issued at the desk, kept in this browser
        console.open("/desk")
        campaign = page.locator(f"section[data-campaign='{season.campaigns['CITIZEN']}']")
        campaign.locator("[name=subDimension]").select_option("waste")
        campaign.locator("[name=count]").fill("4")
        campaign.locator("button[type=submit]").click()
    else:
        console.open(route.format(cycle=season.cycle_id, self=season.campaigns["SELF_ASSESSMENT"]))
    expect(page.locator(ready).first).to_be_visible(timeout=30_000)
    return page


@pytest.mark.parametrize("language", ["id", "en"])
def test_each_screen_is_accessible_and_fits_a_phone(tab: Tab, season: Season, language: str):
    found: dict[str, Any] = {}
    for role in dict.fromkeys(role for role, _, _ in SCREENS.values()):
        console = tab(language)  # a browser of its own for each role
        for name in [n for n, (r, _, _) in SCREENS.items() if r is role]:
            page = open_screen(console, name, season)
            found[f"{name} violations"] = severe_violations(page)
            page.screenshot(path=SCREENSHOTS / f"{name}-{language}.png", full_page=True)
            page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
            found[f"{name} wider than a phone"] = wider_than_the_window(page)
            page.screenshot(path=SCREENSHOTS / f"{name}-{language}-phone.png", full_page=True)
            page.set_viewport_size(DESK)
    assert {what: items for what, items in found.items() if items} == {}


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_citizens_survey_is_accessible_on_a_phone(
    tab: Tab, suite: Suite, season: Season, language: str
):
    page = tab(language, phone=True).page
    page.goto(survey_address(suite, season.citizen_token))
    expect(page.locator("fieldset.question")).to_have_count(3)
    assert severe_violations(page) == []
    assert wider_than_the_window(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"survey-{language}.png", full_page=True)
    # by keyboard: Tab passes the language switch to the first question's choices, Space
    # chooses, an arrow moves the choice along the scale
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "language"
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    first = page.locator("fieldset.question").first
    expect(first.locator("input[value='2']")).to_be_checked()


def test_a_section_tab_keeps_the_keyboard_while_a_score_is_saved(tab: Tab, season: Season):
    """The tabs count each section's scores as they are saved, and the tab the keyboard is on
    stays under it: tabs drawn anew at each change lost the focus, and a click pressed while
    they were redrawn."""
    console = tab("en")
    console.sign_in(auth.mint(SECRET, Role.ASSESSOR, subject="demo-itb"))
    console.open(f"/assess/{season.cycle_id}/{REGION}")
    page = console.page
    tabs = page.locator("nav.tabs button")
    expect(page.locator("#section input.score").first).to_be_visible(timeout=30_000)
    counted = tabs.first.inner_text()
    page.context.set_offline(True)  # the score is saved once the keyboard is on the tab
    page.locator("#section input.score").first.fill("3")
    expect(page.locator("#saving")).to_contain_text("kept in this browser")
    tabs.nth(1).focus()
    page.context.set_offline(False)
    expect(page.locator("#saving")).to_have_text("Every score is saved.", timeout=30_000)
    expect(tabs.first).not_to_have_text(counted)  # one more scored in the first section
    expect(tabs.nth(1)).to_be_focused()
    page.keyboard.press("Enter")
    expect(tabs.nth(1)).to_have_attribute("aria-current", "true")


def wider_than_the_window(page: Page) -> list[str]:
    """The elements reaching past the window's right edge, outside a box that scrolls."""
    found: list[str] = page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const scrolls = (e) => e.closest(".scroll");
          return [...document.querySelectorAll("body *")]
            .filter((e) => e.getBoundingClientRect().right > width + 1 && !scrolls(e))
            .filter((e) => getComputedStyle(e).position !== "fixed")
            .slice(0, 5)
            .map((e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}.${e.className}`);
        }"""
    )
    return found


@pytest.mark.parametrize(
    ("card", "message"),
    [
        ("not-a-token", "is not a valid survey card"),
        ("forged", "is not accepted"),
    ],
)
def test_a_card_that_is_not_the_suites_gets_a_clear_message(
    tab: Tab, suite: Suite, season: Season, card: str, message: str
):
    forged = season.citizen_token[:-6] + "AAAAAA"  # the signature no longer matches
    page = tab("en", phone=True).page
    page.goto(survey_address(suite, forged if card == "forged" else card))
    expect(page.get_by_role("alert")).to_contain_text(message)  # the forged one, by the gateway
    expect(page.locator("form#answers")).to_have_count(0)
