from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.suite import Suite
from tests.e2e.up import UpProcess, free_ports


@pytest.fixture(scope="module")
def suite(tmp_path_factory) -> Iterator[Suite]:
    """The stack with one demo cycle scored (two citizens per sub-dimension, to be quick)."""
    data_dir = tmp_path_factory.mktemp("suite")
    up = UpProcess(data_dir, free_ports())
    try:
        up.wait_for("Press Ctrl-C to stop.")
        suite = Suite(up, data_dir)
        demo = suite.smartcity("demo", "--citizens", "2")
        assert demo.returncode == 0, demo.stderr
        yield suite
    finally:
        if up.process.poll() is None:
            up.interrupt()
        up.kill()
