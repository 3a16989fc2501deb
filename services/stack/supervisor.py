"""The embedded stack behind `smartcity up`: nats-server and each service in a process of its
own, supervised, on loopback ports.

The supervisor keeps what must outlive a crash: with the default in-memory store it serves
that store over the MongoDB wire protocol from its own process (`StoreServer`), so a
service restarted after a crash finds every write it had acknowledged; NATS keeps its
stream on disk under the data directory. Only the supervisor's own end (Ctrl-C, or it being
killed) ends the in-memory data, as before. Parts start in order (NATS, then the three
services together, then the gateway once there is something to compose) and stop in the
reverse order.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import shutil
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx

from services.demo.seed import seed
from services.embedded.natsserver import binary
from services.embedded.store_folder import StoreFolder
from services.embedded.store_server import StoreServer
from services.kernel import auth, collector
from services.kernel.graphql_client import GraphQLClient
from services.kernel.settings import Settings
from services.messages import _
from services.registry import SERVICES
from services.stack import state
from services.stack.child import Child, Part
from services.stack.errors import StackError
from services.stack.store_notices import NOTICES

HOST = "127.0.0.1"
SUBGRAPHS = ("catalog", "survey", "scoring")


@dataclass(frozen=True)
class Ports:
    nats: int = 4222
    services: dict[str, int] = field(
        default_factory=lambda: {name: s.port for name, s in SERVICES.items()}
    )

    def graphql_urls(self) -> dict[str, str]:
        return {name: f"http://{HOST}:{port}/graphql" for name, port in self.services.items()}


@dataclass
class Started:
    """A running stack: where to reach it, who may administer it, and its parts."""

    settings: Settings
    urls: dict[str, str]
    admin_token: str
    demo_regions: int | None  # None when the demo data was not loaded
    children: dict[str, Child]

    @property
    def gateway_url(self) -> str:
        return self.urls["gateway"]


def check_ports(ports: Ports, *, external_nats: bool) -> None:
    """Refuses, before anything starts, a port that something else already holds."""
    wanted = ([] if external_nats else [("nats", ports.nats)]) + list(ports.services.items())
    for name, port in wanted:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do
            try:
                probe.bind((HOST, port))
            except OSError:
                message = _(
                    "port {port} for {name} is taken (another `smartcity up`?); "
                    "choose another with --{name}-port"
                ).format(port=port, name=name)
                raise StackError(message) from None


def _nats_part(settings: Settings, port: int) -> Part:
    store = settings.data_dir / "nats"
    if settings.mongo_is_in_memory and not settings.store_is_kept and store.exists():
        shutil.rmtree(store)  # the stream starts clean with a store that was not kept
    store.mkdir(parents=True, exist_ok=True)
    try:
        command = [binary(), "-js", "-a", HOST, "-p", str(port), "-sd", str(store)]
    except FileNotFoundError as missing:
        raise StackError(str(missing)) from None

    async def answers() -> bool:
        _, writer = await asyncio.open_connection(HOST, port)
        writer.close()
        return True

    return Part("nats", command, dict(os.environ), answers, shown=lambda line: "[INF]" not in line)


def _service_part(name: str, port: int, settings: Settings) -> Part:
    command = [sys.executable, "-m", "services.cli", "serve", name, "--port", str(port),
               "--log-level", "warning"]  # fmt: skip
    env = dict(os.environ) | settings.as_env() | {"PYTHONUNBUFFERED": "1"}

    async def ready() -> bool:
        async with httpx.AsyncClient(timeout=2) as client:
            return (await client.get(f"http://{HOST}:{port}/readyz")).status_code == 200

    return Part(name, command, env, ready)


class Supervisor:
    """The parts of one stack, and the file that tells `smartcity status` about them."""

    def __init__(self, settings: Settings, ports: Ports, store_uri: str | None = None) -> None:
        self.settings = settings
        self.ports = ports
        self.store_uri = store_uri  # the embedded store this process serves, if it does
        self.started_at = time.time()
        self.children: dict[str, Child] = {}

    def add(self, part: Part) -> Child:
        child = Child(part, self.record)
        self.children[part.name] = child
        return child

    def record(self) -> None:
        addresses = {"nats": self.settings.nats_url} | self.ports.graphql_urls()
        parts = [
            state.PartState(c.name, c.state, c.pid, addresses.get(c.name, ""), c.restarts, c.since)
            for c in self.children.values()
        ]
        if self.store_uri:  # served by this process: ready while it runs
            store = state.PartState(
                state.STORE, "ready", os.getpid(), self.store_uri, 0, self.started_at
            )
            parts.insert(0, store)
        state.write(self.settings.data_dir, os.getpid(), parts)

    async def start(self, *names: str) -> None:
        """Starts these parts together; if one fails, the others that started are stopped
        with the rest, and the failure names it."""
        children = [self.children[name] for name in names]
        outcomes = await asyncio.gather(*(c.start() for c in children), return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome

    async def stop(self) -> None:
        """The reverse of the start: the gateway first, NATS last."""
        for name in ("gateway", *reversed(SUBGRAPHS), "nats"):
            if name in self.children:
                await self.children[name].stop()
        state.remove(self.settings.data_dir)


@contextlib.asynccontextmanager
async def running(
    settings: Settings, ports: Ports, *, demo: bool, external_nats: bool
) -> AsyncIterator[Started]:
    """Every part started in order, each in its own supervised process; all stopped on
    leaving, whatever failed on the way."""
    check_ports(ports, external_nats=external_nats)
    urls = ports.graphql_urls()
    settings = dataclasses.replace(
        settings,
        catalog_url=urls["catalog"],
        survey_url=urls["survey"],
        scoring_url=urls["scoring"],
        nats_url=settings.nats_url if external_nats else f"nats://{HOST}:{ports.nats}",
    )
    with contextlib.ExitStack() as kept:
        if settings.mongo_is_in_memory:
            store = kept.enter_context(StoreServer(_store_folder(settings)))
            for notice in store.notices:
                print(_(NOTICES[notice.key]).format(**notice.values), flush=True)
            settings_for_services = dataclasses.replace(settings, mongodb_uri=store.uri)
        else:
            settings_for_services = settings
        supervisor = Supervisor(settings, ports, store.uri if settings.mongo_is_in_memory else None)
        if not external_nats:
            supervisor.add(_nats_part(settings, ports.nats))
        for name, port in ports.services.items():
            supervisor.add(_service_part(name, port, settings_for_services))
        try:
            if not external_nats:
                await supervisor.start("nats")
            await supervisor.start(*SUBGRAPHS)
            await supervisor.start("gateway")
            yield await _ready_stack(settings, urls, demo, supervisor.children)
        finally:
            await supervisor.stop()


JOURNAL_MODES = ("fsync", "flush", "off")


def _store_folder(settings: Settings) -> StoreFolder | None:
    if settings.store_journal not in JOURNAL_MODES:
        said = _("SMARTCITY_STORE_JOURNAL is {value}: it is one of {modes}.")
        raise StackError(said.format(value=settings.store_journal, modes=", ".join(JOURNAL_MODES)))
    if not settings.store_is_kept:
        return None
    return StoreFolder(settings.store_folder, sync=settings.store_journal != "flush")


async def _ready_stack(
    settings: Settings, urls: dict[str, str], demo: bool, children: dict[str, Child]
) -> Started:
    admin = auth.mint(settings.jwt_secret or "", auth.Role.ADMIN, subject="stack-admin")
    demo_regions = None
    if demo:
        async with httpx.AsyncClient(timeout=30) as client:
            report = await seed(GraphQLClient(client, urls["catalog"], admin))
        demo_regions = report.regions + report.skipped_regions
    return Started(settings, urls, admin, demo_regions, children)


async def run(settings: Settings, ports: Ports, *, demo: bool, external_nats: bool) -> None:
    """`smartcity up`: runs the stack until SIGINT or SIGTERM."""
    collector.tune_for_serving()  # the in-memory store, when it serves, is in this process
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    check_ports(ports, external_nats=external_nats)
    if settings.store_is_kept:
        said = _("Embedded store kept in {folder}: resuming from what it holds.")
        print(said.format(folder=settings.store_folder))
    elif settings.mongo_is_in_memory and external_nats:
        print(_("In-memory storage: starting from a clean store; the external stream is replayed."))
    elif settings.mongo_is_in_memory:
        print(_("In-memory storage: starting from a clean state (event stream cleared too)."))
    else:
        said = _("MongoDB at {uri}: resuming from the data stored there.")
        print(said.format(uri=settings.mongodb_uri))
    try:
        async with running(settings, ports, demo=demo, external_nats=external_nats) as started:
            _announce(started)
            await stop.wait()
    finally:
        print(_("Stopped."), flush=True)


def _line(label: str, value: object) -> None:
    print(f"{label + ':':<17}{value}")


def _announce(started: Started) -> None:
    if started.demo_regions is not None:
        demo = _("{count} regions (run `smartcity demo` to score)")
        _line(_("Demo data"), demo.format(count=started.demo_regions))
    _line(_("Gateway"), started.gateway_url)
    _line("GraphiQL", f"{started.gateway_url}  {_('(open it in a browser)')}")
    console = started.gateway_url.removesuffix("/graphql") + "/console/"
    _line(_("Console"), f"{console}  {_('(sign in with the admin token below)')}")
    for name, url in started.urls.items():
        if name != "gateway":
            _line(name.capitalize(), url)
    _line("NATS", started.settings.nats_url)
    processes = ", ".join(f"{c.name} {c.pid}" for c in started.children.values())
    shown = _("(`smartcity status` shows each one's state)")
    _line(_("Processes"), f"{processes} {shown}")
    _line(_("Admin token"), started.admin_token)
    print(_("Press Ctrl-C to stop."), flush=True)
