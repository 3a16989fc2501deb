"""One `smartcity up` with a demo cycle scored, shared by the tests of a module."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.up import UpProcess, elsewhere, environment, free_ports, smartcity_command


@dataclass
class Suite:
    up: UpProcess
    data_dir: Path

    @property
    def gateway(self) -> str:
        return self.up.value_of("Gateway:")

    def env(self) -> dict[str, str]:
        return environment(self.data_dir, SMARTCITY_GATEWAY_URL=self.gateway)

    def answer(
        self, query: str, variables: dict[str, Any] | None = None, bearer: str | None = None
    ) -> dict[str, Any]:
        """The gateway's answer to an operation sent as `bearer`'s holder, by default the
        admin whose token `smartcity up` printed."""
        token = bearer or self.up.value_of("Admin token:")
        body = {"query": query, "variables": variables or {}}
        headers = {"Authorization": f"Bearer {token}"}
        answer: dict[str, Any] = httpx.post(
            self.gateway, json=body, headers=headers, timeout=60
        ).json()
        return answer

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of an operation the admin sends, which must answer without errors."""
        answer = self.answer(query, variables)
        assert "errors" not in answer, answer["errors"]
        data: dict[str, Any] = answer["data"]
        return data

    def smartcity(
        self, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            smartcity_command(*args),
            env=self.env() | (env or {}),
            cwd=cwd or elsewhere(self.data_dir),
            capture_output=True,
            text=True,
            timeout=240,
        )


@contextmanager
def running_suite(data_dir: Path, citizens: int = 2) -> Iterator[Suite]:
    """`smartcity up` with the demo cycle scored (`citizens` per sub-dimension, to be quick)."""
    up = UpProcess(data_dir, free_ports())
    try:
        up.wait_for("Press Ctrl-C to stop.")
        suite = Suite(up, data_dir)
        demo = suite.smartcity("demo", "--citizens", str(citizens))
        assert demo.returncode == 0, demo.stderr
        yield suite
    finally:
        if up.process.poll() is None:
            up.interrupt()
        up.kill()
