"""One mongoengine connection per service, and the executor that keeps its calls off the loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

import mongoengine
from pymongo.database import Database

from services.kernel import tracing
from services.kernel.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")


# the in-process store's client, which the embedded stack's package brings (the `embedded`
# extra: mongomock is no dependency of a deployed service)
_in_process_client: type | None = None


class NoInProcessStore(RuntimeError):
    """MONGODB_URI asks for the in-process store, and the embedded extra is not loaded."""


def use_in_process_store(client_class: type) -> None:
    """Lets `mongomock://` select `client_class`; services.embedded.memorystore calls it."""
    global _in_process_client
    _in_process_client = client_class


def database_name(service: str) -> str:
    return f"smartcity_{service}"


def connect(settings: Settings, alias: str) -> Database[Any]:
    """Register `alias` for a service's database; `mongomock://` selects the in-process store."""
    mongoengine.disconnect(alias)
    if settings.mongo_is_in_memory:
        if _in_process_client is None:
            raise NoInProcessStore(
                f"MONGODB_URI is {settings.mongodb_uri}, the in-process store, which comes with "
                "the embedded stack (install the suite with its `embedded` extra); a deployed "
                "service needs MONGODB_URI pointing at MongoDB"
            )
        log.warning(
            "%s: MONGODB_URI is %s, an in-process store: data is NOT persistent",
            alias,
            settings.mongodb_uri,
        )
        mongoengine.connect(
            db=database_name(alias),
            alias=alias,
            host="mongodb://localhost",
            uuidRepresentation="standard",
            mongo_client_class=_in_process_client,
        )
    else:
        mongoengine.connect(
            db=database_name(alias),
            alias=alias,
            host=settings.mongodb_uri,
            tz_aware=True,
            uuidRepresentation="standard",
        )
    db: Database[Any] = mongoengine.get_db(alias)
    return db


def disconnect(alias: str) -> None:
    mongoengine.disconnect(alias)


@dataclass
class Tally:
    """The storage round trips made for one request, and the time they took."""

    round_trips: int = 0
    seconds: float = 0.0


_current_tally: ContextVar[Tally | None] = ContextVar("storage_tally", default=None)


@contextlib.contextmanager
def tallied() -> Iterator[Tally]:
    """Counts the storage round trips made inside the block, in the tasks it starts too."""
    tally = Tally()
    token = _current_tally.set(tally)
    try:
        yield tally
    finally:
        _current_tally.reset(token)


class Storage:
    """Runs synchronous storage calls off the event loop, on worker threads.

    The in-process store takes the same path with one worker: it is not thread-safe, and
    being pure Python it would gain nothing from more threads.
    """

    def __init__(self, db: Database[Any], *, in_memory: bool) -> None:
        self.db = db
        self._pool = ThreadPoolExecutor(max_workers=1 if in_memory else 16)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """One round trip to storage (a span of its own when spans are recorded)."""
        tally, started = _current_tally.get(), time.perf_counter()
        try:
            if not tracing.recording():  # the hot path builds no span's attributes
                return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)
            named = {"db.system": "mongodb", "code.function": getattr(fn, "__qualname__", "call")}
            with tracing.span("mongodb", kind=tracing.SpanKind.CLIENT, attributes=named):
                return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)
        finally:
            if tally is not None:
                tally.round_trips += 1
                tally.seconds += time.perf_counter() - started

    async def ping(self) -> None:
        await self.run(self.db.command, "ping")

    def close(self) -> None:
        self._pool.shutdown(wait=True)


def open_storage(settings: Settings, alias: str) -> Storage:
    return Storage(connect(settings, alias), in_memory=settings.mongo_is_in_memory)
