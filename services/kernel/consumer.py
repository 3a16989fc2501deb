"""Durable JetStream consumers that hand each event to a projector once, by event id.

A consumer reads its events through a projector's `EventReader`: a type it does not read is
acknowledged and passed over; one whose data does not match its declaration is logged,
counted and passed over too, since it would fail the same way on every redelivery.

A projector must itself be idempotent for the narrow window where it has applied an event
and the process dies before the id is recorded: the event is then redelivered. A consumer
whose projector is idempotent by design may keep no ids at all (`processed=None`).

Events are handled a fetched batch at a time: their ids looked up and recorded in one query
each, and handed together to a projector that applies batches (`BatchProjector`); each is
acknowledged once the whole batch is applied. A batch that fails is handled again an event
at a time, so the one event at fault is retried alone and the others go on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from contextlib import AbstractContextManager
from typing import Any, Protocol, runtime_checkable

from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError

from services.kernel import events, tracing
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


@runtime_checkable
class BatchProjector(Projector, Protocol):
    """A projector that applies a batch of events together, cheaper than one at a time."""

    async def apply_batch(self, batch: list[Received[Event]]) -> None: ...


def _consuming(durable: str, batch: list[Received[Event]]) -> AbstractContextManager[None]:
    """A span of the applying: a child of the trace that recorded a lone event, linked to
    each trace of a batch's events."""
    parent = batch[0].trace if len(batch) == 1 else None
    links = [link for r in batch for link in tracing.link_to(r.trace)] if len(batch) > 1 else []
    counted = {"messaging.batch.message_count": len(batch)}
    return tracing.span(f"consume {durable}", kind=tracing.SpanKind.CONSUMER, parent=parent,
                        links=links, attributes=counted)  # fmt: skip


class ProcessedEvents:
    """Ids of events a consumer has applied, kept in the consumer's own database."""

    def __init__(self, collection: Collection[Any], storage: Storage) -> None:
        self.collection = collection
        self.storage = storage

    async def seen_among(self, event_ids: list[str]) -> set[str]:
        """Those of the ids applied already, in one query by key."""
        query = {"_id": {"$in": event_ids}}
        return await self.storage.run(
            lambda: {found["_id"] for found in self.collection.find(query, {"_id": 1})}
        )

    async def mark_all(self, event_ids: list[str]) -> None:
        if not event_ids:
            return
        documents = [{"_id": event_id} for event_id in event_ids]
        with contextlib.suppress(BulkWriteError):  # some were recorded already: the rest are
            await self.storage.run(lambda: self.collection.insert_many(documents, ordered=False))


class DurableConsumer:
    def __init__(
        self,
        link: NatsLink,
        durable: str,
        projector: Projector,
        processed: ProcessedEvents | None,
        *,
        batch_size: int = 100,
        fetch_timeout: float = 0.25,
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
        self.behind = False  # the last fetch was full: more events are waiting

    async def handle(self, raw: bytes) -> bool:
        """Apply one event unless already applied; True when the projector applied it."""
        return await self.handle_batch([raw]) == 1

    async def handle_batch(self, raws: list[bytes]) -> int:
        """Apply the events not applied yet, together; how many the projector applied."""
        read = [received for raw in raws if (received := self._read(raw)) is not None]
        wanted = list({received.event_id: received for received in read}.values())  # once each
        self.skipped_total += len(read) - len(wanted)
        if self.processed and wanted:
            seen = await self.processed.seen_among([r.event_id for r in wanted])
            self.skipped_total += sum(1 for r in wanted if r.event_id in seen)
            wanted = [r for r in wanted if r.event_id not in seen]
        if not wanted:
            return 0
        if isinstance(self.projector, BatchProjector):
            with _consuming(self.durable, wanted):
                await self.projector.apply_batch(wanted)
            await self._mark([r.event_id for r in wanted])
        else:  # each recorded as it is applied, so a failure later applies none twice
            for received in wanted:
                with _consuming(self.durable, [received]):
                    await self.projector.apply(received)
                await self._mark([received.event_id])
                self.applied_total += 1
            return len(wanted)
        self.applied_total += len(wanted)
        return len(wanted)

    async def _mark(self, event_ids: list[str]) -> None:
        if self.processed:
            await self.processed.mark_all(event_ids)

    def _read(self, raw: bytes) -> Received[Event] | None:
        """The event as the projector reads it; None for a type it does not read, or one
        that does not match its declaration (told and counted)."""
        cloud_event = events.decode(raw)
        try:
            return self.projector.reader.read(cloud_event)
        except MalformedEvent as problem:
            log.error("consumer %s: passed over event %s: %s", self.durable, cloud_event["id"],
                      problem)  # fmt: skip
            self.malformed_total += 1
            return None

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
            self.behind = len(messages) >= self.batch_size
            await self._handle_fetched(messages)

        if subscription is not None:
            with contextlib.suppress(Exception):
                await subscription.unsubscribe()

    async def _handle_fetched(self, messages: list[Any]) -> None:
        try:
            await self.handle_batch([message.data for message in messages])
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("consumer %s: a batch of %d failed; one at a time", self.durable,
                        len(messages))  # fmt: skip
        else:
            for message in messages:
                await message.ack()
            return
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
