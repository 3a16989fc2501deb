"""Durable JetStream consumers that hand each event to a projector once, by event id.

A consumer reads its events through a projector's `EventReader`: a type it does not read is
acknowledged and passed over; one whose data does not match its declaration is logged,
counted and passed over too, since it would fail the same way on every redelivery.

A projector must itself be idempotent for the narrow window where it has applied an event
and the process dies before the id is recorded: the event is then redelivered. A consumer
whose projector is idempotent by design may keep no ids at all (`processed=None`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Protocol

from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from services.kernel import events
from services.kernel.event_reader import EventReader, MalformedEvent, Received
from services.kernel.events import Event
from services.kernel.messaging import STREAM, NatsLink
from services.kernel.mongo import Storage

log = logging.getLogger(__name__)


class Projector(Protocol):
    """What a consumer hands its events to: which events it reads, and how it applies one."""

    @property
    def reader(self) -> EventReader: ...

    async def apply(self, received: Received[Event]) -> None: ...


class ProcessedEvents:
    """Ids of events a consumer has applied, kept in the consumer's own database."""

    def __init__(self, collection: Collection[Any], storage: Storage) -> None:
        self.collection = collection
        self.storage = storage

    async def seen(self, event_id: str) -> bool:
        found = await self.storage.run(self.collection.find_one, {"_id": event_id}, {"_id": 1})
        return found is not None

    async def mark(self, event_id: str) -> None:
        with contextlib.suppress(DuplicateKeyError):
            await self.storage.run(self.collection.insert_one, {"_id": event_id})


class DurableConsumer:
    def __init__(
        self,
        link: NatsLink,
        durable: str,
        projector: Projector,
        processed: ProcessedEvents | None,
        *,
        batch_size: int = 100,
        fetch_timeout: float = 1.0,
    ) -> None:
        self.link = link
        self.durable = durable
        self.projector = projector
        self.filter_subjects = projector.reader.subjects
        self.processed = processed
        self.batch_size = batch_size
        self.fetch_timeout = fetch_timeout
        self.applied_total = 0
        self.skipped_total = 0
        self.malformed_total = 0
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._subscribed = False
        self._forget_position = False

    async def handle(self, raw: bytes) -> bool:
        """Apply one event unless already applied; True when the projector applied it."""
        cloud_event = events.decode(raw)
        try:
            received = self.projector.reader.read(cloud_event)
        except MalformedEvent as problem:
            log.error("consumer %s: passed over event %s: %s", self.durable, cloud_event["id"],
                      problem)  # fmt: skip
            self.malformed_total += 1
            return False
        if received is None:
            return False
        if self.processed and await self.processed.seen(received.event_id):
            self.skipped_total += 1
            return False
        await self.projector.apply(received)
        if self.processed:
            await self.processed.mark(cloud_event["id"])
        self.applied_total += 1
        return True

    async def _subscribe(self) -> Any:
        js = await self.link.jetstream()
        if self._forget_position:
            with contextlib.suppress(NotFoundError):
                await js.delete_consumer(STREAM, self.durable)
            self._forget_position = False
        config = ConsumerConfig(
            durable_name=self.durable,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            filter_subjects=self.filter_subjects,
            ack_wait=self.link.redelivery_seconds,
        )
        return await js.pull_subscribe(
            self.filter_subjects[0], durable=self.durable, stream=STREAM, config=config
        )

    async def run_forever(self) -> None:
        """Fetch and apply until stopped; a stop lets the fetch under way finish first."""
        subscription = None
        while not self._stopping:
            try:
                if subscription is None:
                    subscription = await self._subscribe()
                    self._subscribed = True
                messages = await subscription.fetch(self.batch_size, timeout=self.fetch_timeout)
            except (NatsTimeout, TimeoutError):  # nothing to fetch: an idle stream, not a fault
                continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self._stopping:
                    break
                reason = str(exc) or type(exc).__name__
                log.warning("consumer %s: fetch failed, retrying (%s)", self.durable, reason)
                subscription, self._subscribed = None, False
                await asyncio.sleep(0.5)
                continue
            for message in messages:
                try:
                    await self.handle(message.data)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("consumer %s: projector failed, will retry", self.durable)
                    await message.nak(delay=1)
                    continue
                await message.ack()

        if subscription is not None:
            with contextlib.suppress(Exception):
                await subscription.unsubscribe()

    def start(self, *, from_the_beginning: bool = False) -> None:
        """Starts fetching; `from_the_beginning` first drops the durable consumer's position,
        for a projector whose state did not outlive the last process."""
        self._stopping = False
        self._forget_position = from_the_beginning
        self._task = asyncio.create_task(self.run_forever(), name=f"consumer-{self.durable}")

    async def stop(self, grace_seconds: float = 10.0) -> None:
        """Stops after the fetch under way; at once while still waiting for NATS."""
        if not self._task:
            return
        self._stopping = True
        wait = self.fetch_timeout + grace_seconds if self._subscribed else 0
        try:
            await asyncio.wait_for(asyncio.shield(self._task), wait)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        except asyncio.CancelledError:
            if not self._task.done():
                raise  # the caller was cancelled, not the consumer
