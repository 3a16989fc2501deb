"""The embedded stack behind `smartcity up`: nats-server and the services on loopback ports."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import shutil
import signal
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import uvicorn

from services.catalog.seed import seed
from services.kernel import auth
from services.kernel.natsserver import NatsServer
from services.kernel.settings import Settings
from services.registry import SERVICES

log = logging.getLogger(__name__)
HOST = "127.0.0.1"


class StackError(Exception):
    """Something a user can fix (a port taken, a server that would not start)."""


@dataclass(frozen=True)
class Ports:
    nats: int = 4222
    services: dict[str, int] = field(
        default_factory=lambda: {name: s.port for name, s in SERVICES.items()}
    )


def _ensure_free(port: int, what: str) -> None:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do
        try:
            probe.bind((HOST, port))
        except OSError:
            message = f"port {port} for {what} is taken; choose another with --{what}-port"
            raise StackError(message) from None


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves signals to the stack, which stops every server itself."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def _wait_ready(url: str, serving: asyncio.Task[None], timeout: float = 20.0) -> None:
    async with httpx.AsyncClient() as client, asyncio.timeout(timeout):
        while True:
            if serving.done():
                raise StackError(f"{url} stopped while starting (see the error above)")
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(url)).status_code == 200:
                    return
            await asyncio.sleep(0.1)


def _start_nats(settings: Settings, port: int) -> NatsServer:
    _ensure_free(port, "nats")
    store = settings.data_dir / "nats"
    if settings.mongo_is_in_memory and store.exists():
        shutil.rmtree(store)
        print("In-memory storage: starting from a clean state (event stream cleared too).")
    return NatsServer(store_dir=store, port=port).start()


async def run(settings: Settings, ports: Ports, *, demo: bool, external_nats: bool) -> None:
    nats = None if external_nats else _start_nats(settings, ports.nats)
    if nats:
        settings = dataclasses.replace(settings, nats_url=nats.url)
    servers: dict[str, uvicorn.Server] = {}
    serving: list[asyncio.Task[None]] = []
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    urls = {name: f"http://{HOST}:{port}/graphql" for name, port in ports.services.items()}
    settings = dataclasses.replace(
        settings,
        catalog_url=urls.get("catalog", settings.catalog_url),
        survey_url=urls.get("survey", settings.survey_url),
        scoring_url=urls.get("scoring", settings.scoring_url),
    )
    try:
        for name, port in ports.services.items():  # the gateway comes last in the registry
            _ensure_free(port, name)
            app = SERVICES[name].create_app(settings)
            servers[name] = _EmbeddedServer(
                uvicorn.Config(app, host=HOST, port=port, log_level="warning")
            )
            serving.append(asyncio.create_task(servers[name].serve()))
            await _wait_ready(f"http://{HOST}:{port}/readyz", serving[-1])
        secret = settings.jwt_secret or ""
        catalog = f"http://{HOST}:{ports.services['catalog']}/graphql"
        if demo:
            async with httpx.AsyncClient(timeout=30) as client:
                report = await seed(client, catalog, auth.mint(secret, auth.Role.ADMIN))
            print(f"Demo data: {report.regions} regions, {report.programs} programs.")
        if "gateway" in urls:
            print(f"Gateway:         {urls['gateway']}  (GraphiQL: open it in a browser)")
        for name, url in urls.items():
            print(f"{name.capitalize() + ' GraphQL:':<17}{url}")
        print(f"NATS:            {settings.nats_url}")
        print(f"Admin token:     {auth.mint(secret, auth.Role.ADMIN, subject='stack-admin')}")
        print("Press Ctrl-C to stop.")
        await stop.wait()
    finally:
        for server in servers.values():
            server.should_exit = True
        for task in serving:
            with contextlib.suppress(Exception):
                await task
        if nats:
            nats.stop()
        print("Stopped.")
