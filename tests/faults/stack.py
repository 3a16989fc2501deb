"""The suite as separate processes on loopback ports, any of which can be killed and restarted.

NATS is a real nats-server with its store on disk; catalog, survey, scoring and the gateway
each run as `smartcity serve NAME` on a fixed port, over one store that outlives them
(`StoreServer`, standing in for a deployment's MongoDB). Killing is SIGKILL, of the
service and of its helpers (scoring's rules workers); restarting is the same command on
the same port, so the gateway and the clients find it where it was.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from bench.memory import descendants
from services.kernel.natsserver import NatsServer, die_with_parent, free_port
from services.stack.store_server import StoreServer
from tests.support import SECRET

SUBGRAPHS = ("catalog", "survey", "scoring")
SERVICES = (*SUBGRAPHS, "gateway")


class ServiceProcess:
    def __init__(self, name: str, port: int, env: dict[str, str]) -> None:
        self.name, self.port, self.env = name, port, env
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    def start(self) -> None:
        command = [sys.executable, "-m", "services.cli", "serve", self.name, "--port", str(self.port)]  # fmt: skip
        self.process = subprocess.Popen(
            command, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=die_with_parent,  # a test run that dies leaves no service behind
        )  # fmt: skip

    async def ready(self, timeout: float = 60.0) -> None:
        async with asyncio.timeout(timeout), httpx.AsyncClient() as client:
            while True:
                assert self.process and self.process.poll() is None, f"{self.name} exited"
                with contextlib.suppress(httpx.HTTPError):
                    if (
                        await client.get(f"http://127.0.0.1:{self.port}/readyz")
                    ).status_code == 200:
                        return
                await asyncio.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL, of the service and every process it started: nothing gets to clean up."""
        if self.process is None:
            return
        helpers = descendants(self.process.pid)
        self.process.kill()
        for pid in helpers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


class Stack:
    def __init__(self, data_dir: Path, nats: NatsServer, store: StoreServer) -> None:
        self.data_dir, self.nats, self.store = data_dir, nats, store
        base = os.environ | {"SMARTCITY_JWT_SECRET": SECRET, "NATS_URL": nats.url,
                             "MONGODB_URI": store.uri, "SMARTCITY_DATA_DIR": str(data_dir),
                             "SMARTCITY_RULE_WORKERS": "1"}  # fmt: skip
        ports = {name: free_port() for name in SERVICES}
        urls = {f"{name.upper()}_URL": f"http://127.0.0.1:{ports[name]}/graphql" for name in SUBGRAPHS}  # fmt: skip
        self.services = {
            name: ServiceProcess(name, ports[name], base | (urls if name == "gateway" else {}))
            for name in SERVICES
        }

    @property
    def gateway_url(self) -> str:
        return self.services["gateway"].url

    async def start(self) -> None:
        for name in SERVICES:  # the gateway last, once there is something to compose
            self.services[name].start()
            await self.services[name].ready()

    def stop(self) -> None:
        for service in reversed(self.services.values()):
            service.stop()

    async def interrupt(self, name: str, down_seconds: float) -> None:
        """Kills one part (a service, or "nats") and starts it again after `down_seconds`."""
        if name == "nats":
            self.nats.stop(kill=True)
            await asyncio.sleep(down_seconds)
            self.nats.start()  # the same port and store
            return
        service = self.services[name]
        service.kill()
        await asyncio.sleep(down_seconds)
        service.start()
        await service.ready()


@contextlib.asynccontextmanager
async def running_stack(tmp_path: Path) -> AsyncIterator[Stack]:
    with NatsServer(store_dir=tmp_path / "jetstream") as nats, StoreServer() as store:
        stack = Stack(tmp_path, nats, store)
        try:
            await stack.start()
            yield stack
        finally:
            stack.stop()
