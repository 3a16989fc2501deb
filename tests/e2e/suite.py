"""One `smartcity up` with a demo cycle scored, shared by the tests of a module."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.up import UpProcess, environment, smartcity_command


@dataclass
class Suite:
    up: UpProcess
    data_dir: Path

    @property
    def gateway(self) -> str:
        return self.up.value_of("Gateway:")

    def env(self) -> dict[str, str]:
        return environment(self.data_dir, SMARTCITY_GATEWAY_URL=self.gateway)

    def smartcity(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            smartcity_command(*args),
            env=self.env(),
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=240,
        )
