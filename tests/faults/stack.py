"""The stack as `smartcity up` runs it (each part its own process, supervised), with a way to
kill one part as a crash would and wait for the supervisor to bring it back.

NATS keeps its store on disk; catalog, survey, scoring and the gateway are each
`smartcity serve NAME` on their port, over the in-memory store that the supervisor serves
over the MongoDB wire protocol and that outlives them, as a deployment's MongoDB would.
Killing is SIGKILL to the part's process group (scoring's rules workers with it).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from services.kernel.processes import free_port
from services.kernel.settings import Settings
from services.stack.supervisor import Ports, Started, running
from tests.support import SECRET

SERVICES = ("catalog", "survey", "scoring", "gateway")


class Stack:
    def __init__(self, started: Started) -> None:
        self.started = started
        self.others_down: list[str] = []  # parts that did not answer while another was down

    @property
    def gateway_url(self) -> str:
        return self.started.gateway_url

    @property
    def nats_url(self) -> str:
        return self.started.settings.nats_url

    async def interrupt(self, name: str) -> None:
        """SIGKILLs one part (a service, or "nats"); the others are asked to answer while it
        is down; returns once the supervisor has it answering again."""
        child = self.started.children[name]
        killed = child.pid
        assert killed is not None and child.state == "ready"
        os.killpg(killed, signal.SIGKILL)
        # the supervisor's own task changes the state: polled, as `smartcity status` reads it
        while child.state == "ready" and child.pid == killed:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        await self._others_answer(name)
        async with asyncio.timeout(90):
            while not (child.state == "ready" and child.pid != killed):  # noqa: ASYNC110
                await asyncio.sleep(0.1)

    async def _others_answer(self, down: str) -> None:
        urls = self.started.urls
        async with httpx.AsyncClient(timeout=5) as client:
            for name in SERVICES:
                if name == down:
                    continue
                health = urls[name].removesuffix("/graphql") + "/healthz"
                try:
                    answered = (await client.get(health)).status_code == 200
                except httpx.HTTPError:
                    answered = False
                if not answered:
                    self.others_down.append(f"{name} while {down} was down")


@contextlib.asynccontextmanager
async def running_stack(tmp_path: Path) -> AsyncIterator[Stack]:
    settings = Settings.from_env(
        {"SMARTCITY_JWT_SECRET": SECRET, "SMARTCITY_DATA_DIR": str(tmp_path),
         "SMARTCITY_RULE_WORKERS": "1",
         # what a killed consumer took comes again after 5 s, not the 30 s of production
         "SMARTCITY_REDELIVERY_SECONDS": "5"}
    )  # fmt: skip
    ports = Ports(nats=free_port(), services={name: free_port() for name in SERVICES})
    async with running(settings, ports, demo=False, external_nats=False) as started:
        yield Stack(started)
