from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.kernel.natsserver import NatsServer
from services.kernel.settings import Settings
from tests.support import SECRET

# the suite's own folders of a run: no test reads or writes the user's (~/.config/smartcity)
for _variable, _prefix in (("SMARTCITY_CONFIG_DIR", "config"), ("SMARTCITY_DATA_DIR", "data")):
    os.environ.setdefault(_variable, tempfile.mkdtemp(prefix=f"smartcity-tests-{_prefix}-"))


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
