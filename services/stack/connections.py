"""What a served process does about connections written to exhaust it: a connection that
has not sent a whole request's headers within a few seconds of opening, or of the first byte
of its next request, is closed, so idle and trickling sockets cannot pile up (an idle
connection between requests is kept as long as the keep-alive allows); one client holds a bounded
number of connections at once, and the process as many as its descriptors allow with room
to spare; and a failure repeated in a burst is logged once, with how often it recurred."""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.utils import get_remote_addr

log = logging.getLogger(__name__)
SPARE_DESCRIPTORS = 64  # for the process's own files, its store and its NATS connections


@dataclass
class ConnectionLimits:
    header_seconds: float = 10.0
    per_client: int = 256
    total: int = 0  # 0: what the process's descriptors allow, less some to spare

    def __post_init__(self) -> None:
        if not self.total:
            self.total = max(16, usable_descriptors() - SPARE_DESCRIPTORS)


def usable_descriptors() -> int:
    """The process's descriptor limit, raised to the most it may have."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        soft = hard
    return soft


@dataclass
class ConnectionGuard:
    """The connections a server holds, per client, shared by all of them."""

    limits: ConnectionLimits
    held: Counter[str] = field(default_factory=Counter)
    refused_total: int = 0
    timed_out_total: int = 0

    def admit(self, client: str) -> bool:
        if self.held[client] >= self.limits.per_client or self.held.total() >= self.limits.total:
            self.refused_total += 1
            return False
        self.held[client] += 1
        return True

    def release(self, client: str) -> None:
        self.held[client] -= 1
        if self.held[client] <= 0:
            del self.held[client]


def guarded_protocol(guard: ConnectionGuard) -> type[H11Protocol]:
    """uvicorn's HTTP/1.1 protocol, under the guard's limits."""

    class Guarded(H11Protocol):
        client_key: str | None = None
        header_timer: asyncio.TimerHandle | None = None
        upgraded = False  # to a WebSocket, whose protocol has the connection now

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            address = get_remote_addr(transport)
            client = address[0] if address else "unknown"
            if not guard.admit(client):
                transport.abort()
                return
            self.client_key = client
            super().connection_made(transport)
            self._await_headers()

        def connection_lost(self, exc: Exception | None) -> None:
            if self.client_key is None:
                return  # refused: never made
            guard.release(self.client_key)
            self.client_key = None
            self._stop_waiting()
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            """A request's first bytes start its header clock; its headers stop it. Between
            requests an idle connection is uvicorn's keep-alive's to close, later."""
            super().data_received(data)
            if self.upgraded:
                return
            if self._answering():
                self._stop_waiting()
            elif self.header_timer is None and not self.transport.is_closing():
                self._await_headers()

        def handle_websocket_upgrade(self, event: Any) -> None:
            """A WebSocket's headers are in: no clock runs on it. It keeps its place among
            its client's connections until it closes."""
            self._stop_waiting()
            self.upgraded = True
            client, self.client_key = self.client_key, None
            super().handle_websocket_upgrade(event)
            socket = self.transport.get_protocol()
            lost = socket.connection_lost

            def released(exc: Exception | None) -> None:
                if client is not None:
                    guard.release(client)
                lost(exc)

            socket.connection_lost = released  # type: ignore[method-assign]

        def _answering(self) -> bool:
            return self.cycle is not None and not self.cycle.response_complete

        def _await_headers(self) -> None:
            self._stop_waiting()
            self.header_timer = self.loop.call_later(guard.limits.header_seconds, self._too_slow)

        def _stop_waiting(self) -> None:
            if self.header_timer is not None:
                self.header_timer.cancel()
                self.header_timer = None

        def _too_slow(self) -> None:
            self.header_timer = None
            if not self._answering():
                guard.timed_out_total += 1
                self.transport.abort()

    return Guarded


class OncePerBurst(logging.Filter):
    """Lets a message through once per `window` seconds; the next one after the window says
    how many like it were held back. Messages are alike when their template and their
    exception's type are."""

    def __init__(self, window: float = 10.0) -> None:
        super().__init__()
        self.window = window
        self.seen: dict[tuple[str, int, Any, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        failure = type(record.exc_info[1]).__name__ if record.exc_info else ""
        key = (record.name, record.levelno, record.msg, failure)  # the template: its values vary
        now = time.monotonic()
        since, held = self.seen.get(key, (0.0, 0))
        if now - since < self.window:
            self.seen[key] = (since, held + 1)
            return False
        if held:
            record.msg = f"{record.msg} (and {held} more like it in the last {self.window:g} s)"
        if len(self.seen) > 10_000:
            self.seen.clear()
        self.seen[key] = (now, 0)
        return True
