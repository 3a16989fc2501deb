from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import services.embedded.memorystore  # noqa: F401  (mongomock:// is the in-process store)
from services.embedded.natsserver import NatsServer
from services.kernel.settings import Settings
from tests.support import SECRET

# the run's own folders, one pair per test process (the two workers never share a stack's
# state): no test reads or writes the user's (~/.config/smartcity)
for _variable, _prefix in (("SMARTCITY_CONFIG_DIR", "config"), ("SMARTCITY_DATA_DIR", "data")):
    os.environ[_variable] = tempfile.mkdtemp(prefix=f"smartcity-tests-{_prefix}-")


# each worker chooses its servers' ports from its own share
_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
_workers = os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")
os.environ["SMARTCITY_PORT_SHARE"] = f"{_worker}/{_workers}"


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """The two workers' share of the suite: whole files, and a console package's files
    together, since they share one running suite, which a worker would otherwise start once
    per file it is given (and again whenever another file ran in between)."""
    from xdist.scheduler import LoadScopeScheduling

    class WholeFiles(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = Path(nodeid.split("::")[0])
            return str(path.parent if path.is_relative_to("tests/console") else path)

    return WholeFiles(config, log)


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[NatsServer]:
    """A real `nats-server -js` on a free loopback port, stopped after the test."""
    server = NatsServer(store_dir=tmp_path / "jetstream").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(
        {
            "SMARTCITY_JWT_SECRET": SECRET,
            "MONGODB_URI": "mongomock://localhost",
            "NATS_URL": "nats://127.0.0.1:1",
            "SMARTCITY_DATA_DIR": str(tmp_path / "data"),
            "SMARTCITY_OUTBOX_SWEEP_SECONDS": "0.1",
        }
    )
