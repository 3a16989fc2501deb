"""A season walked in the browser only: a suite of its own (the demo's regions, assessors
and 2023 cycle), apart from the console's other tests, whose ranking stays the demo's."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

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
