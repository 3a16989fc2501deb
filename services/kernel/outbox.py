"""The transactional outbox: events live inside the aggregate's document until published.

A repository writes an aggregate's state and its new CloudEvents in one single-document
write (`outbox_push`), then tells the relay what it wrote. The relay publishes each event
with its id as `Nats-Msg-Id`, then pulls it from the document. A crash between the two
republishes the same id, which JetStream's duplicate window drops.

Fresh writes are published straight from what the writer handed over; a sweep of every
collection (at start and every `sweep_seconds`) publishes whatever a crash or an outage
left behind. After a failed publish the relay trusts only the sweep, which reads each
document's outbox in order, until a sweep succeeds: so an aggregate's events never go
out of order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from pymongo.collection import Collection

from services.kernel.mongo import Storage
from services.kernel.publisher import Publish

log = logging.getLogger(__name__)

FIELD = "outbox"
PENDING = {f"{FIELD}.0": {"$exists": True}}
MAX_FRESH = 10_000
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
        sweep_seconds: float = 1.0,
        batch_size: int = 200,
    ) -> None:
        self.collections = collections
        self.publish = publish
        self.storage = storage
        self.sweep_seconds = sweep_seconds
        self.batch_size = batch_size
        self.published_total = 0
        self.failures_total = 0
        self._fresh: list[Written] = []
        self._recent: OrderedDict[str, None] = OrderedDict()
        self._trust_fresh = False
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def notify(self, written: Written) -> None:
        """Called after a write: publish its events now rather than at the next sweep."""
        if self._trust_fresh and len(self._fresh) < MAX_FRESH:
            self._fresh.append(written)
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
                published += await self._publish_all(written)
        return published

    async def publish_fresh(self) -> int:
        fresh, self._fresh = self._fresh, []
        return await self._publish_all(fresh)

    async def _publish_all(self, batch: list[Written]) -> int:
        """Publishes in the order given; whatever went out is marked, even after a failure."""
        published = 0
        sent: Sent = {}
        try:
            for written in batch:
                _, marks = sent.setdefault(written.collection.name, (written.collection, []))
                for cloud_event in written.cloud_events:
                    if cloud_event["id"] not in self._recent:
                        await self.publish(cloud_event)
                        self._remember(cloud_event["id"])
                        published += 1
                    marks.append((written.key, cloud_event["id"]))
        finally:
            self.published_total += published
            for collection, marks in sent.values():
                await self.storage.run(self._mark, collection, marks)
        return published

    def _remember(self, event_id: str) -> None:
        self._recent[event_id] = None
        if len(self._recent) > REMEMBERED:
            self._recent.popitem(last=False)

    @staticmethod
    def _mark(collection: Collection[Any], sent: list[tuple[Any, str]]) -> None:
        if sent:
            collection.update_many(
                {"_id": {"$in": list(dict.fromkeys(key for key, _ in sent))}},
                {"$pull": {FIELD: {"id": {"$in": [event_id for _, event_id in sent]}}}},
            )

    async def run_forever(self) -> None:
        backoff = self.sweep_seconds
        next_sweep = 0.0
        while True:
            self._wake.clear()
            try:
                if time.monotonic() >= next_sweep or not self._trust_fresh:
                    await self.sweep()
                    self._trust_fresh = True
                    next_sweep = time.monotonic() + self.sweep_seconds
                await self.publish_fresh()
                backoff = self.sweep_seconds
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.failures_total += 1
                self._trust_fresh, self._fresh = False, []
                log.warning("outbox relay: publish failed, will retry (%s)", exc)
                backoff = min(backoff * 2, 10.0)
            wait = backoff if not self._trust_fresh else next_sweep - time.monotonic()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=max(wait, 0.01))

    def start(self) -> None:
        self._task = asyncio.create_task(self.run_forever(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
