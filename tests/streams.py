"""Reading what reached the SMARTCITY stream, for tests against a real nats-server."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from services.kernel import events
from services.kernel.messaging import STREAM


async def stream_messages(url: str) -> list[tuple[dict[str, Any], dict[str, str]]]:
    """Every message in the stream, as (CloudEvent, headers), in stream order; a server that
    is not up fails at once rather than after nats.py's minutes of reconnecting."""
    client = await nats.connect(url, max_reconnect_attempts=1, reconnect_time_wait=0.1)
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


def _summary(events: list[dict[str, Any]]) -> str:
    """The events' types, counted, for a failure's message."""
    return ", ".join(f"{n} {kind}" for kind, n in Counter(e["type"] for e in events).items())


async def wait_for_messages(
    url: str, count: int, timeout: float = 20.0, *, containing: str | None = None
) -> list[dict[str, Any]]:
    """Waits until the stream holds at least `count` messages, and one of the type
    `containing` when given (the outbox relays in its own time), then returns their events.
    A stream not made yet, or a server not up yet, is read again; past `timeout` the wait
    fails with what it last saw."""
    deadline = time.monotonic() + timeout
    events: list[dict[str, Any]] = []
    trouble: Exception | None = None
    while True:
        try:
            events = [cloud_event for cloud_event, _ in await stream_messages(url)]
            trouble = None
        except (nats.errors.Error, OSError) as error:  # the stream or the server not there yet
            trouble = error
        contained = containing is None or any(e["type"] == containing for e in events)
        if trouble is None and len(events) >= count and contained:
            return events
        if time.monotonic() > deadline:
            wanted = f"{count} messages" + (f" with a {containing}" if containing else "")
            raise AssertionError(
                f"the stream did not hold {wanted} within {timeout:g}s: it held "
                f"{len(events)} ({_summary(events)})"
                + (f"; the last read failed: {trouble!r}" if trouble else "")
            )
        await asyncio.sleep(0.1)


class Subscriber:
    """A ministry's integration: a durable pull consumer on every subject of the stream,
    acknowledging each event it takes, and reconnecting through a NATS outage."""

    def __init__(self, url: str, durable: str = "ministry") -> None:
        self.url, self.durable = url, durable
        self.found: list[dict[str, Any]] = []
        self.outage_errors: list[nats.errors.Error] = []
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
            except nats.errors.Error as error:  # an outage: told if `received` fails
                self.outage_errors.append(error)
                await asyncio.sleep(0.2)

    async def received(
        self,
        quiet_seconds: float = 2.0,
        until: Callable[[list[dict[str, Any]]], bool] = lambda found: True,
        patience_seconds: float = 60.0,
    ) -> list[dict[str, Any]]:
        """Everything delivered until the stream stays quiet and `until` holds, each
        acknowledged; waiting up to `patience_seconds` (a relay backing off after an outage
        publishes late), then failing with what was taken."""
        if self._following is not None:
            self._stopping.set()
            await self._following
            self._following = None
        deadline = asyncio.get_running_loop().time() + patience_seconds
        while True:
            with contextlib.suppress(TimeoutError):  # nothing came: the stream is quiet
                if await self._take(timeout=quiet_seconds):
                    continue
            if until(self.found):
                return self.found
            if asyncio.get_running_loop().time() > deadline:
                errors = self.outage_errors
                raise AssertionError(
                    f"the events taken did not satisfy `until` within {patience_seconds:g}s: "
                    f"{len(self.found)} ({_summary(self.found)})"
                    + (f"; {len(errors)} takes failed, the last: {errors[-1]!r}" if errors else "")
                )

    async def close(self) -> None:
        await self.client.close()
