"""A season walked in the browser only: a suite of its own (the demo's regions, assessors
and 2023 cycle), apart from the console's other tests, whose ranking stays the demo's."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest
from playwright.sync_api import Browser

from tests.console.conftest import Console
from tests.e2e.suite import Suite, running_suite

PHONE = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 900}

Tab = Callable[..., Console]


@pytest.fixture(scope="package")
def suite(tmp_path_factory) -> Iterator[Suite]:
    with running_suite(tmp_path_factory.mktemp("season")) as suite:
        yield suite


@contextmanager
def tabs(browser: Browser, suite: Suite) -> Iterator[Tab]:
    """Opens browser tabs, each in a browser of its own (its own storage), as `tab(language,
    phone=...)`; each is checked for script errors and blocked resources when it closes."""
    opened: list[Console] = []
    with ExitStack() as closing:

        def tab(language: str | None = "en", *, phone: bool = False) -> Console:
            context = browser.new_context(
                viewport=PHONE if phone else DESK, is_mobile=phone, has_touch=phone
            )
            closing.callback(context.close)
            if language:
                context.add_init_script(
                    f"localStorage.setItem('smartcity.console.language', '{language}');"
                    f"localStorage.setItem('smartcity.survey.language', '{language}')"
                )
            console = Console(context.new_page(), suite.up.value_of("Console:"))
            opened.append(console)
            return console

        yield tab
    assert [f for c in opened for f in c.failures] == []


@pytest.fixture
def tab(browser: Browser, suite: Suite) -> Iterator[Tab]:
    with tabs(browser, suite) as opening:
        yield opening


def once_known(suite: Suite, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """The admin's answer once the service has learned, from the stream, of the cycle the
    operation names (NOT_FOUND until then)."""
    deadline = time.monotonic() + 30
    while True:
        answer = suite.answer(query, variables)
        if "errors" not in answer:
            return dict(answer["data"])
        assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND", answer
        assert time.monotonic() < deadline, answer
        time.sleep(0.3)


def survey_address(suite: Suite, citizen: str) -> str:
    """The address a token card's QR code opens."""
    console = suite.up.value_of("Console:")
    return f"{console.removesuffix('/').removesuffix('/console')}/survey/#t={citizen}"


OPEN = "mutation($i: CreateEvaluationCycleInput!) { createEvaluationCycle(input: $i) { id } }"
CAMPAIGN = "mutation($i: OpenCampaignInput!) { openCampaign(input: $i) { id } }"
ASSIGN = "mutation($i: AssignAssessorsInput!) { assignAssessors(input: $i) { assessors } }"
# what a region is asked in a cycle: by audience, the instrument it answers
ASKED = (("SELF_ASSESSMENT", "smartcity-evaluation-2023"),
         ("ASSESSOR", "smartcity-evaluation-2023"),
         ("CITIZEN", "citizen-impact-2023"))  # fmt: skip


def cycle_through_the_api(
    suite: Suite, cycle: dict[str, Any], region: str, assessors: list[str]
) -> tuple[str, dict[str, str]]:
    """A cycle the admin opens through the gateway, with the region's three campaigns and
    its assessors: the cycle's id, and each campaign's id by audience."""
    cycle_id = str(suite.graphql(OPEN, {"i": cycle})["createEvaluationCycle"]["id"])
    campaigns = {}
    for audience, key in ASKED:
        given = {"instrumentKey": key, "instrumentVersion": 1, "regionCode": region,
                 "cycleId": cycle_id, "audience": audience}  # fmt: skip
        campaigns[audience] = once_known(suite, CAMPAIGN, {"i": given})["openCampaign"]["id"]
    suite.graphql(
        ASSIGN, {"i": {"regionCode": region, "cycleId": cycle_id, "assessors": assessors}}
    )
    return cycle_id, campaigns
