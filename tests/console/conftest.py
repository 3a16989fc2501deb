"""The console in a real headless Chromium (Debian's), against `smartcity up` with the demo."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from services.kernel import auth
from services.kernel.auth import Role
from tests.e2e.suite import Suite, running_suite
from tests.support import SECRET

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


@pytest.fixture(scope="package")
def suite(tmp_path_factory) -> Iterator[Suite]:
    with running_suite(tmp_path_factory.mktemp("console")) as suite:
        yield suite


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is missing: tests/console/chromium.sh installs it")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield launched
        launched.close()


class Console:
    """One browser tab on the console, with what went wrong in it noted."""

    def __init__(self, page: Page, address: str) -> None:
        self.page, self.address = page, address  # as `smartcity up` announces it
        self.failures: list[str] = []
        page.on("pageerror", lambda error: self.failures.append(f"uncaught: {error}"))
        page.on("console", self._console)

    def _console(self, message) -> None:
        if message.type == "error" and "Failed to load resource" not in message.text:
            self.failures.append(message.text)  # a script error or a blocked resource (CSP)

    def open(self, route: str = "") -> Page:
        self.page.goto(f"{self.address}#{route}")
        return self.page

    def sign_in(self, token: str) -> Page:
        self.open("/signin")
        self.page.fill("textarea[name=token]", token)
        self.page.click("button[type=submit]")
        self.page.wait_for_selector("#nav a, form [role=alert]:not(:empty)")  # in, or refused
        return self.page

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


@contextmanager
def console_in(browser: Browser, suite: Suite, language: str | None) -> Iterator[Console]:
    """A tab whose browser chose `language` before (None: as a first visit, Indonesian)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    if language:
        context.add_init_script(f"localStorage.setItem('smartcity.console.language', '{language}')")
    opened = Console(context.new_page(), suite.up.value_of("Console:"))
    yield opened
    context.close()
    assert not opened.failures, opened.failures


@pytest.fixture
def console(browser: Browser, suite: Suite) -> Iterator[Console]:
    """The console in English."""
    with console_in(browser, suite, "en") as opened:
        yield opened


@pytest.fixture
def konsol(browser: Browser, suite: Suite) -> Iterator[Console]:
    """The console as a first visit sees it: in Bahasa Indonesia."""
    with console_in(browser, suite, None) as opened:
        yield opened


def token(role: Role, region: str | None = None) -> str:
    return auth.mint(SECRET, role, subject=f"console-{role}", region=region)
