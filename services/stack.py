"""The embedded stack behind `smartcity up`: nats-server and the services on loopback ports."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import shutil
import signal
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import httpx
import uvicorn

from services.catalog.seed import seed
from services.kernel import auth
from services.kernel.graphql_client import GraphQLClient
from services.kernel.keepalive import SERVER_IDLE_SECONDS
from services.kernel.natsserver import NatsServer
from services.kernel.settings import Settings
from services.registry import SERVICES

log = logging.getLogger(__name__)
HOST = "127.0.0.1"
READY_SECONDS = 30.0


class StackError(Exception):
    """Something a user can fix (a port taken, a server that would not start)."""


@dataclass(frozen=True)
class Ports:
    nats: int = 4222
    services: dict[str, int] = field(
        default_factory=lambda: {name: s.port for name, s in SERVICES.items()}
    )

    def graphql_urls(self) -> dict[str, str]:
        return {name: f"http://{HOST}:{port}/graphql" for name, port in self.services.items()}


@dataclass(frozen=True)
class Started:
    """A running stack: where to reach it and who may administer it."""

    settings: Settings
    urls: dict[str, str]
    admin_token: str
    demo_regions: int | None  # None when the demo data was not loaded

    @property
    def gateway_url(self) -> str:
        return self.urls["gateway"]


def check_ports(ports: Ports, *, external_nats: bool) -> None:
    """Refuses, before anything starts, a port that something else already holds."""
    wanted = ([] if external_nats else [("nats", ports.nats)]) + list(ports.services.items())
    for name, port in wanted:
        _ensure_free(port, name)


def _ensure_free(port: int, what: str) -> None:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do
        try:
            probe.bind((HOST, port))
        except OSError:
            message = (
                f"port {port} for {what} is taken (another `smartcity up`?); "
                f"choose another with --{what}-port"
            )
            raise StackError(message) from None


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves signals to the stack, which stops every server itself."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def _wait_ready(name: str, url: str, serving: asyncio.Task[None]) -> None:
    async with httpx.AsyncClient() as client:
        try:
            async with asyncio.timeout(READY_SECONDS):
                while not serving.done():
                    with contextlib.suppress(httpx.HTTPError):
                        if (await client.get(url)).status_code == 200:
                            return
                    await asyncio.sleep(0.1)
        except TimeoutError:
            raise StackError(f"{name} was not ready within {READY_SECONDS:.0f} s") from None
    failure = serving.exception() if not serving.cancelled() else None
    detail = f": {failure}" if failure else " (see the error above)"
    raise StackError(f"{name} stopped while starting{detail}")


def _start_nats(settings: Settings, port: int) -> NatsServer:
    store = settings.data_dir / "nats"
    if settings.mongo_is_in_memory and store.exists():
        shutil.rmtree(store)
    try:
        return NatsServer(store_dir=store, port=port).start()
    except (RuntimeError, TimeoutError, FileNotFoundError) as exc:
        raise StackError(str(exc)) from None


@contextlib.asynccontextmanager
async def running(
    settings: Settings, ports: Ports, *, demo: bool, external_nats: bool
) -> AsyncIterator[Started]:
    """Starts nats-server (unless external) and every service in registry order, each once the
    one before is ready; stops all of them on leaving, whatever failed on the way."""
    check_ports(ports, external_nats=external_nats)
    urls = ports.graphql_urls()
    settings = dataclasses.replace(
        settings,
        catalog_url=urls.get("catalog", settings.catalog_url),
        survey_url=urls.get("survey", settings.survey_url),
        scoring_url=urls.get("scoring", settings.scoring_url),
    )
    nats = None if external_nats else _start_nats(settings, ports.nats)
    if nats:
        settings = dataclasses.replace(settings, nats_url=nats.url)
    try:
        async with contextlib.AsyncExitStack() as started:
            for name, port in ports.services.items():  # the gateway comes last in the registry
                await started.enter_async_context(_serving(name, port, settings))
            yield await _ready_stack(settings, urls, demo)
    finally:
        if nats:
            nats.stop()


@contextlib.asynccontextmanager
async def _serving(name: str, port: int, settings: Settings) -> AsyncIterator[None]:
    """One service: its start-up run here, so a failure is one line; then served until left."""
    try:
        app = SERVICES[name].create_app(settings)
        lifespan = app.router.lifespan_context(app)
        await lifespan.__aenter__()
    except Exception as exc:
        detail = str(exc).removeprefix(f"{name}: ")
        raise StackError(f"{name} failed at start-up: {detail}") from None
    config = uvicorn.Config(
        app,
        host=HOST,
        port=port,
        log_level="warning",
        lifespan="off",
        timeout_keep_alive=SERVER_IDLE_SECONDS,
    )
    server = _EmbeddedServer(config)
    serving = asyncio.create_task(_serve(name, server))
    try:
        await _wait_ready(name, f"http://{HOST}:{port}/readyz", serving)
        yield
    finally:
        server.should_exit = True
        with contextlib.suppress(Exception):
            await serving
        await lifespan.__aexit__(None, None, None)


async def _serve(name: str, server: uvicorn.Server) -> None:
    try:
        await server.serve()
    except SystemExit:  # uvicorn exits when it cannot listen
        raise StackError(f"{name} could not listen (see the error above)") from None


async def _ready_stack(settings: Settings, urls: dict[str, str], demo: bool) -> Started:
    admin = auth.mint(settings.jwt_secret or "", auth.Role.ADMIN, subject="stack-admin")
    demo_regions = None
    if demo:
        async with httpx.AsyncClient(timeout=30) as client:
            report = await seed(GraphQLClient(client, urls["catalog"], admin))
        demo_regions = report.regions + report.skipped_regions
    return Started(settings, urls, admin, demo_regions)


async def run(settings: Settings, ports: Ports, *, demo: bool, external_nats: bool) -> None:
    """`smartcity up`: runs the stack until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    check_ports(ports, external_nats=external_nats)
    if settings.mongo_is_in_memory and external_nats:
        print("In-memory storage: starting from a clean store; the external stream is replayed.")
    elif settings.mongo_is_in_memory:
        print("In-memory storage: starting from a clean state (event stream cleared too).")
    else:
        print(f"MongoDB at {settings.mongodb_uri}: resuming from the data stored there.")
    try:
        async with running(settings, ports, demo=demo, external_nats=external_nats) as started:
            _announce(started)
            await stop.wait()
    finally:
        print("Stopped.", flush=True)


def _announce(started: Started) -> None:
    if started.demo_regions is not None:
        print(f"Demo data:       {started.demo_regions} regions (run `smartcity demo` to score)")
    print(f"Gateway:         {started.gateway_url}")
    print(f"GraphiQL:        {started.gateway_url}  (open it in a browser)")
    console = started.gateway_url.removesuffix("/graphql") + "/console/"
    print(f"Console:         {console}  (sign in with the admin token below)")
    for name, url in started.urls.items():
        if name != "gateway":
            print(f"{name.capitalize() + ':':<17}{url}")
    print(f"NATS:            {started.settings.nats_url}")
    print(f"Admin token:     {started.admin_token}")
    print("Press Ctrl-C to stop.", flush=True)
