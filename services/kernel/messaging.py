"""The NATS connection: keeps trying in the background so a service starts while NATS is down."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError

log = logging.getLogger(__name__)

STREAM = "SMARTCITY"
SUBJECTS = ["smartcity.>"]
# Sized for a national year (docs/admins.md, "The stream"): 514 regions' year is about
# 112,000 events and 0.5 GB, so the limits hold several years and a late replay.
MAX_AGE = timedelta(days=3 * 365)  # events older than three seasons are dropped
MAX_BYTES = 16 * 1024**3  # beyond it the stream refuses new events; the outboxes keep them
MAX_MESSAGE_BYTES = 1024**2  # the largest batch (500 citizens) is about a quarter of it
# A relay that died between publishing and pulling an event publishes it again when it
# restarts; within the window the stream drops it. The window's ids are held in memory:
# ten minutes of a deadline's peak is some 10,000 ids, the whole year's would be 112,000.
DUPLICATE_WINDOW = timedelta(minutes=10)


def stream_config(replicas: int = 1) -> StreamConfig:
    return StreamConfig(
        name=STREAM,
        subjects=SUBJECTS,
        storage=StorageType.FILE,
        duplicate_window=DUPLICATE_WINDOW.total_seconds(),
        max_age=MAX_AGE.total_seconds(),
        max_bytes=MAX_BYTES,
        max_msg_size=MAX_MESSAGE_BYTES,
        discard=DiscardPolicy.NEW,
        num_replicas=replicas,
    )


async def ensure_stream(js: JetStreamContext, replicas: int = 1) -> None:
    """Creates the stream, or brings an existing one to this configuration; on a NATS cluster
    `replicas` (SMARTCITY_STREAM_REPLICAS) copies keep it through the loss of a node."""
    try:
        await js.add_stream(stream_config(replicas))
    except BadRequestError:
        await js.update_stream(stream_config(replicas))


class NatsLink:
    """A NATS connection opened lazily and retried until it succeeds; reconnects are nats.py's."""

    def __init__(
        self,
        url: str,
        name: str,
        retry_seconds: float = 0.5,
        stream_replicas: int = 1,
        redelivery_seconds: float = 30.0,
    ) -> None:
        self.url = url
        self.stream_replicas = stream_replicas
        self.redelivery_seconds = redelivery_seconds  # the durable consumers' ack wait
        self.name = name
        self.retry_seconds = retry_seconds
        self._client: Client | None = None
        self._js: JetStreamContext | None = None
        self._connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    def start(self) -> None:
        self._task = asyncio.create_task(self._connect_until_up(), name=f"nats-{self.name}")

    async def _connect_until_up(self) -> None:
        while not self._closing:
            try:
                client = await nats.connect(
                    self.url.split(","),  # a cluster's servers, comma-separated
                    name=self.name,
                    allow_reconnect=True,
                    max_reconnect_attempts=-1,
                    reconnect_time_wait=self.retry_seconds,
                    connect_timeout=2,
                    drain_timeout=2,
                    error_cb=self._on_error,
                    disconnected_cb=self._on_disconnected,
                    reconnected_cb=self._on_reconnected,
                )
                js = client.jetstream()
                await ensure_stream(js, self.stream_replicas)
            except Exception as exc:
                log.info("%s: NATS at %s not available yet (%s)", self.name, self.url, exc)
                await asyncio.sleep(self.retry_seconds)
                continue
            self._client, self._js = client, js
            self._connected.set()
            log.info("%s: connected to NATS at %s", self.name, self.url)
            return

    async def _on_error(self, error: Exception) -> None:
        if self._closing:
            return
        log.info("%s: NATS error: %s", self.name, error or type(error).__name__)

    async def _on_disconnected(self) -> None:
        if not self._closing:
            log.warning("%s: disconnected from NATS; reconnecting", self.name)

    async def _on_reconnected(self) -> None:
        log.info("%s: reconnected to NATS", self.name)

    @property
    def is_connected(self) -> bool:
        return self._client is not None and self._client.is_connected

    async def client(self) -> Client:
        """The connection, once it is up: for plain subscriptions beside the stream's."""
        await self._connected.wait()
        assert self._client is not None
        return self._client

    async def jetstream(self) -> JetStreamContext:
        await self._connected.wait()
        assert self._js is not None
        return self._js

    async def close(self) -> None:
        self._closing = True
        # nats.connect may swallow a cancellation (asyncio.wait_for inside): cancel until done
        while self._task and not self._task.done():
            self._task.cancel()
            await asyncio.wait({self._task}, timeout=0.1)
        if self._client and not self._client.is_closed:
            with contextlib.suppress(Exception):
                await self._client.drain()
