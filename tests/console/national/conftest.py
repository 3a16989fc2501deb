"""The console at national size: a suite of its own, holding every regency and city."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.console.national.seed import NationalYear, national_year
from tests.e2e.suite import Suite, running_suite


@pytest.fixture(scope="package")
def suite(tmp_path_factory) -> Iterator[Suite]:
    """Apart from the console's other tests, whose ranking stays the demo's three regions."""
    with running_suite(tmp_path_factory.mktemp("national")) as suite:
        yield suite


@pytest.fixture(scope="package")
def national(suite: Suite, tmp_path_factory) -> NationalYear:
    return national_year(suite, tmp_path_factory)
