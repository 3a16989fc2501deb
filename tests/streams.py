"""Reading what reached the SMARTCITY stream, for tests against a real nats-server."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any

import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from services.kernel import events
from services.kernel.messaging import STREAM


async def stream_messages(url: str) -> list[tuple[dict[str, Any], dict[str, str]]]:
    """Every message in the stream, as (CloudEvent, headers), in stream order."""
    client = await nats.connect(url)
    try:
        js = client.jetstream()
        info = await js.stream_info(STREAM)
        found = []
        for sequence in range(info.state.first_seq, info.state.last_seq + 1):
            message = await js.get_msg(STREAM, sequence)
            found.append((events.decode(message.data), dict(message.headers or {})))
        return found
    finally:
        await client.close()


async def wait_for_messages(
    url: str, count: int, timeout: float = 20.0, *, containing: str | None = None
) -> list[dict[str, Any]]:
    """Waits until the stream holds at least `count` messages, and one of the type
    `containing` when given (the outbox relays in its own time), then returns their events."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = await stream_messages(url)
        except Exception:
            found = []
        events = [cloud_event for cloud_event, _ in found]
        contained = containing is None or any(e["type"] == containing for e in events)
        if (len(events) >= count and contained) or time.monotonic() > deadline:
            return events
        await asyncio.sleep(0.1)


class Subscriber:
    """A ministry's integration: a durable pull consumer on every subject of the stream,
    acknowledging each event it takes, and reconnecting through a NATS outage."""

    def __init__(self, url: str, durable: str = "ministry") -> None:
        self.url, self.durable = url, durable
        self.found: list[dict[str, Any]] = []
        self._stopping = asyncio.Event()
        self._following: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.client = await nats.connect(
            self.url, max_reconnect_attempts=-1, reconnect_time_wait=0.2
        )
        config = ConsumerConfig(
            durable_name=self.durable,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
        )
        self.subscription = await self.client.jetstream().pull_subscribe(
            "smartcity.>", durable=self.durable, stream=STREAM, config=config
        )

    async def _take(self, timeout: float) -> int:
        messages = await self.subscription.fetch(500, timeout=timeout)
        for message in messages:
            self.found.append(events.decode(message.data))
            await message.ack()
        return len(messages)

    def follow(self) -> None:
        """Takes events as they come, in the background, until `received` is called; an
        outage only pauses it."""
        self._following = asyncio.create_task(self._follow())

    async def _follow(self) -> None:
        # stopped between takes, never in one: a take cut short would leave the events it
        # fetched unacknowledged, out of reach until the consumer's ack wait expires
        while not self._stopping.is_set():
            try:
                await self._take(timeout=1.0)
            except TimeoutError:  # nats.py raises asyncio's (the builtin) as well as its own
                pass
            except nats.errors.Error:
                await asyncio.sleep(0.2)

    async def received(
        self,
        quiet_seconds: float = 2.0,
        until: Callable[[list[dict[str, Any]]], bool] = lambda found: True,
        patience_seconds: float = 60.0,
    ) -> list[dict[str, Any]]:
        """Everything delivered until the stream stays quiet and `until` holds (or patience
        runs out: a relay backing off after an outage publishes late), each acknowledged."""
        if self._following is not None:
            self._stopping.set()
            await self._following
            self._following = None
        deadline = asyncio.get_running_loop().time() + patience_seconds
        while True:
            with contextlib.suppress(TimeoutError):
                if await self._take(timeout=quiet_seconds):
                    continue
            if until(self.found) or asyncio.get_running_loop().time() > deadline:
                return self.found

    async def close(self) -> None:
        await self.client.close()
