"""The transactional outbox: events live inside the aggregate's document until published.

A repository writes an aggregate's state and its new CloudEvents in one single-document
write (`outbox_push`), then tells the relay what it wrote. The relay publishes each event
with its id as `Nats-Msg-Id`, then pulls it from the document. A crash between the two
republishes the same id, which JetStream's duplicate window drops.

Fresh writes are published straight from what the writer handed over; a sweep of every
collection publishes whatever a crash or an outage left behind: at start, after a failure
and, when other processes share the database, every `sweep_seconds`. After a failed
publish the relay trusts only the sweep, which reads each document's outbox in order,
until a sweep succeeds: so an aggregate's events never go out of order. Pending outboxes
are found through a sparse index on the event ids, so a sweep costs what is pending.

An event the stream refuses for what it is (`Undeliverable`) is parked as a dead letter and
pulled from the outbox, and the aggregate's next events follow: one poison event never
blocks the ones behind it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import math
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from pymongo.collection import Collection

from services.kernel import tracing
from services.kernel.dead_letters import DeadLetters, Replayed
from services.kernel.mongo import Storage
from services.kernel.publisher import Publish, Undeliverable

log = logging.getLogger(__name__)

FIELD = "outbox"
PENDING_KEY = f"{FIELD}.id"
PENDING = {PENDING_KEY: {"$exists": True}}
MAX_FRESH = 10_000
LONGEST_RETRY = 10.0
MARK_CHUNK = 100
PUBLISH_CONCURRENCY = 256
LINGER_SECONDS = 0.002  # a wave waits this long for more writes to join it
REMEMBERED = 100_000  # ids of events published lately, not to send them twice ourselves


def outbox_push(cloud_events: list[dict[str, Any]]) -> dict[str, Any]:
    """The update fragment that appends events to a document's outbox."""
    return {"$push": {FIELD: {"$each": cloud_events}}}


@dataclass(frozen=True)
class Written:
    """Events just stored in one document's outbox."""

    collection: Collection[Any]
    key: Any
    cloud_events: list[dict[str, Any]]


Sent = dict[str, tuple[Collection[Any], list[tuple[Any, str]]]]


class OutboxRelay:
    def __init__(
        self,
        collections: list[Collection[Any]],
        publish: Publish,
        storage: Storage,
        *,
        sweep_seconds: float | None = None,
        retry_seconds: float = 1.0,
        batch_size: int = 200,
    ) -> None:
        self.collections = collections
        self.publish = publish
        self.storage = storage
        self.sweep_seconds = sweep_seconds
        self.retry_seconds = retry_seconds
        self.batch_size = batch_size
        self.dead_letters = DeadLetters(storage.db)
        self.published_total = 0
        self.failures_total = 0
        self.parked_total = 0
        self.dead_letters_waiting = 0
        self._fresh: list[Written] = []
        self._recent: OrderedDict[str, None] = OrderedDict()
        self._trust_fresh = False
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def notify(self, written: Written) -> None:
        """Called after a write: publish its events now rather than at the next sweep.

        Writes noted while a sweep runs are kept too: the sweep may have read their
        collection before they landed. What the sweep did publish is not sent twice.
        """
        if len(self._fresh) < MAX_FRESH:
            self._fresh.append(written)
        else:
            self._trust_fresh, self._fresh = False, []
        self._wake.set()

    async def pending(self) -> int:
        counts = [await self.storage.run(self._count_pending, c) for c in self.collections]
        return sum(counts)

    @staticmethod
    def _count_pending(collection: Collection[Any]) -> int:
        return sum(len(doc[FIELD]) for doc in collection.find(PENDING, {FIELD: 1}))

    def _pending_documents(self, collection: Collection[Any]) -> list[dict[str, Any]]:
        return list(collection.find(PENDING, {FIELD: 1}).limit(self.batch_size))

    async def sweep(self) -> int:
        """Publish everything pending in every collection, in order per document."""
        published = 0
        for collection in self.collections:
            while documents := await self.storage.run(self._pending_documents, collection):
                written = [Written(collection, d["_id"], d[FIELD]) for d in documents]
                published += await self._publish_all(written, mark_known=True)
        return published

    async def publish_fresh(self) -> int:
        """Fresh writes; events a sweep already sent (and pulled) are skipped altogether."""
        fresh, self._fresh = self._fresh, []
        return await self._publish_all(fresh, mark_known=False)

    async def _publish_all(self, batch: list[Written], *, mark_known: bool) -> int:
        """Publishes in waves: the first pending event of every document at once, then the
        second, and so on, so one document's events go out in order while different
        documents' events share the round trips. Whatever went out is marked, even after a
        failure, and nothing after a failed event of the same document is tried."""
        queues: dict[tuple[str, Any], tuple[Collection[Any], Any, list[dict[str, Any]]]] = {}
        for written in batch:
            place = (written.collection.name, written.key)
            queues.setdefault(place, (written.collection, written.key, []))[2].extend(
                written.cloud_events
            )
        sent: Sent = {}
        published = 0
        try:
            for wave in itertools.count():
                due = [
                    (c, key, events[wave])
                    for c, key, events in queues.values()
                    if len(events) > wave
                ]
                if not due:
                    break
                for start in range(0, len(due), PUBLISH_CONCURRENCY):
                    published += await self._publish_wave(
                        due[start : start + PUBLISH_CONCURRENCY], sent, mark_known
                    )
        finally:
            self.published_total += published
            for collection, marks in sent.values():
                # in chunks: a pull's cost grows with the ids it names, per document
                for start in range(0, len(marks), MARK_CHUNK):
                    await self.storage.run(
                        self._mark, collection, marks[start : start + MARK_CHUNK]
                    )
        return published

    async def _publish_wave(
        self, due: list[tuple[Collection[Any], Any, dict[str, Any]]], sent: Sent, mark_known: bool
    ) -> int:
        """Publishes events of different documents concurrently; raises the first failure."""
        new = [(c, key, e) for c, key, e in due if e["id"] not in self._recent]
        if mark_known:
            for collection, key, cloud_event in due:
                if cloud_event["id"] in self._recent:
                    sent.setdefault(collection.name, (collection, []))[1].append(
                        (key, cloud_event["id"])
                    )
        outcomes = await asyncio.gather(
            *(self._traced_publish(e) for _, _, e in new), return_exceptions=True
        )
        failure: BaseException | None = None
        published = 0
        for (collection, key, cloud_event), outcome in zip(new, outcomes, strict=True):
            if isinstance(outcome, Undeliverable):
                await self._park(collection, key, cloud_event, outcome)
            elif isinstance(outcome, BaseException):
                failure = failure or outcome
                continue
            else:
                self._remember(cloud_event["id"])
                published += 1
            sent.setdefault(collection.name, (collection, []))[1].append((key, cloud_event["id"]))
        if failure is not None:
            self.published_total += published
            raise failure
        return published

    async def _traced_publish(self, cloud_event: dict[str, Any]) -> None:
        """Publishes the event in a span of the trace that recorded it, when spans are."""
        parent = tracing.from_carrier(cloud_event)
        with tracing.span(f"publish {cloud_event['type']}", kind=tracing.SpanKind.PRODUCER,
                          parent=parent):  # fmt: skip
            await self.publish(cloud_event)

    async def replay(self, event_ids: list[str] | None) -> Replayed:
        """Parked events published again, oldest first: each sent leaves the dead letters,
        each refused again stays with the new reason."""
        parked = await self.storage.run(self.dead_letters.parked, event_ids)
        report = Replayed()
        for event_id, cloud_event in parked:
            try:
                if cloud_event is None:
                    raise Undeliverable("it was too large to keep, so cannot be sent again", 0)
                await self.publish(cloud_event)
            except Undeliverable as why:
                await self.storage.run(self.dead_letters.refused_again, event_id, why.reason)
                report.still_undeliverable.append(event_id)
            except Exception as trouble:  # the stream is away: the letter waits for the next try
                log.warning("outbox relay: replaying %s failed: %s", event_id, trouble)
                report.still_undeliverable.append(event_id)
            else:
                await self.storage.run(self.dead_letters.remove, event_id)
                report.replayed.append(event_id)
        found = {event_id for event_id, _ in parked}
        report.unknown = [i for i in event_ids or () if i not in found]
        await self.count_dead_letters()
        return report

    async def count_dead_letters(self) -> None:
        self.dead_letters_waiting = await self.storage.run(self.dead_letters.count)

    async def _park(
        self, collection: Collection[Any], key: Any, cloud_event: dict[str, Any], why: Undeliverable
    ) -> None:
        await self.storage.run(self.dead_letters.park, cloud_event, why.reason, why.size_bytes)
        self.parked_total += 1
        await self.count_dead_letters()
        log.error(
            "outbox relay: parked event %s (%s of %s %s) as undeliverable: %s",
            cloud_event["id"], cloud_event.get("type"), collection.name, key, why.reason,
        )  # fmt: skip

    def _remember(self, event_id: str) -> None:
        self._recent[event_id] = None
        if len(self._recent) > REMEMBERED:
            self._recent.popitem(last=False)

    @staticmethod
    def _mark(collection: Collection[Any], sent: list[tuple[Any, str]]) -> None:
        collection.update_many(
            {"_id": {"$in": list(dict.fromkeys(key for key, _ in sent))}},
            {"$pull": {FIELD: {"id": {"$in": [event_id for _, event_id in sent]}}}},
        )

    async def run_forever(self) -> None:
        retry = self.retry_seconds
        next_sweep = 0.0
        while True:
            self._wake.clear()
            try:
                if not self._trust_fresh or time.monotonic() >= next_sweep:
                    await self.sweep()
                    self._trust_fresh = True
                    next_sweep = time.monotonic() + (self.sweep_seconds or math.inf)
                await asyncio.sleep(LINGER_SECONDS)  # let a burst of writes gather into one wave
                await self.publish_fresh()
                retry = self.retry_seconds
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.failures_total += 1
                self._trust_fresh, self._fresh = False, []
                log.warning("outbox relay: publish failed, retrying in %.1fs (%s)", retry, exc)
                await asyncio.sleep(retry)
                retry = min(retry * 2, LONGEST_RETRY)
                continue
            with contextlib.suppress(TimeoutError):
                # asyncio.timeout, unlike wait_for, never swallows a cancellation
                async with asyncio.timeout(min(max(next_sweep - time.monotonic(), 0.01), 3600)):
                    await self._wake.wait()

    def start(self) -> None:
        self._task = asyncio.create_task(self.run_forever(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
