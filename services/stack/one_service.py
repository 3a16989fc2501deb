"""One service in its process (`smartcity serve NAME`): its start-up run first, so a failure
is one line naming it; then served by uvicorn until SIGTERM or SIGINT, then shut down."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
import logging
import signal
import socket
from collections.abc import Iterator
from typing import Any

import uvicorn

from services.gateway.edge.websocket import MOST_MESSAGE_BYTES
from services.kernel import collector, tracing
from services.kernel.keepalive import SERVER_IDLE_SECONDS
from services.kernel.settings import Settings
from services.messages import _
from services.registry import SERVICES
from services.stack.connections import (
    ConnectionGuard,
    ConnectionLimits,
    OncePerBurst,
    guarded_protocol,
)
from services.stack.errors import StackError


class _Server(uvicorn.Server):
    """Stops on SIGTERM or SIGINT like uvicorn, without raising the signal again afterwards
    (uvicorn's way), which would end the process before the service has shut down. Before it
    waits for the connections under way to finish, the app's `before_shutdown` hooks end what
    would never finish by itself (the gateway's subscriptions)."""

    def __init__(self, config: uvicorn.Config, app: Any) -> None:
        super().__init__(config)
        self.app = app

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for hook in getattr(self.app.state, "before_shutdown", ()):
            await hook()
        await super().shutdown(sockets)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, self.handle_exit, number, None)
        try:
            yield
        finally:
            for number in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(number)


def _in_process_store_if_asked(settings: Settings) -> None:
    """`mongomock://` is the embedded stack's in-process store, when its extra is installed;
    without it the service's start-up says what is missing."""
    if settings.mongo_is_in_memory and importlib.util.find_spec("mongomock") is not None:
        importlib.import_module("services.embedded.memorystore")


async def serve(name: str, settings: Settings, host: str, port: int, log_level: str) -> None:
    collector.tune_for_serving()
    _in_process_store_if_asked(settings)
    tracing.configure(name)  # when the standard OTEL_EXPORTER_OTLP_* environment asks
    try:
        app = SERVICES[name].create_app(settings)
        lifespan = app.router.lifespan_context(app)
        await lifespan.__aenter__()
    except Exception as exc:
        detail = str(exc).removeprefix(f"{name}: ")
        said = _("{service} failed at start-up: {detail}")
        raise StackError(said.format(service=name, detail=detail)) from None
    limits = ConnectionLimits(settings.header_timeout_seconds, settings.max_connections_per_client)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,  # requests are counted at /metrics; a line each would cost more
        lifespan="off",
        timeout_keep_alive=SERVER_IDLE_SECONDS,
        http=guarded_protocol(ConnectionGuard(limits)),
        backlog=limits.total,
        ws_max_size=MOST_MESSAGE_BYTES,  # a WebSocket message, as much as a request
    )
    for logger in (logging.getLogger(), logging.getLogger("uvicorn")):
        for handler in logger.handlers:
            handler.addFilter(OncePerBurst())
    try:
        await _Server(config, app).serve()
    except SystemExit:  # uvicorn exits when it cannot listen
        said = _("{service} could not listen on {host}:{port}")
        raise StackError(said.format(service=name, host=host, port=port)) from None
    finally:
        await lifespan.__aexit__(None, None, None)
        tracing.stop_recording()  # what is still buffered is exported first
