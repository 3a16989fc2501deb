from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.suite import Suite, running_suite


@pytest.fixture(scope="module")
def suite(tmp_path_factory) -> Iterator[Suite]:
    """The stack with one demo cycle scored (two citizens per sub-dimension, to be quick)."""
    with running_suite(tmp_path_factory.mktemp("suite")) as suite:
        yield suite
