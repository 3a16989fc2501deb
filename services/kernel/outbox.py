"""The transactional outbox: events live inside the aggregate's document until published.

A repository writes an aggregate's state and its new CloudEvents in one single-document
write (`outbox_push`). The relay publishes each pending event with its id as
`Nats-Msg-Id`, then pulls it from the document. A crash between the two republishes the
same id, which JetStream's duplicate window drops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from pymongo.collection import Collection

from services.kernel.mongo import Storage
from services.kernel.publisher import Publish

log = logging.getLogger(__name__)

FIELD = "outbox"
PENDING = {f"{FIELD}.0": {"$exists": True}}


def outbox_push(cloud_events: list[dict[str, Any]]) -> dict[str, Any]:
    """The update fragment that appends events to a document's outbox."""
    return {"$push": {FIELD: {"$each": cloud_events}}}


class OutboxRelay:
    def __init__(
        self,
        collections: list[Collection[Any]],
        publish: Publish,
        storage: Storage,
        *,
        poll_seconds: float = 1.0,
        batch_size: int = 200,
    ) -> None:
        self.collections = collections
        self.publish = publish
        self.storage = storage
        self.poll_seconds = poll_seconds
        self.batch_size = batch_size
        self.published_total = 0
        self.failures_total = 0
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def kick(self) -> None:
        """Wake the relay now (called after a write) instead of waiting for the next poll."""
        self._wake.set()

    async def pending(self) -> int:
        counts = [await self.storage.run(self._count_pending, c) for c in self.collections]
        return sum(counts)

    @staticmethod
    def _count_pending(collection: Collection[Any]) -> int:
        total = 0
        for doc in collection.find(PENDING, {FIELD: 1}):
            total += len(doc[FIELD])
        return total

    def _pending_documents(self, collection: Collection[Any]) -> list[dict[str, Any]]:
        return list(collection.find(PENDING, {FIELD: 1}).limit(self.batch_size))

    async def run_once(self) -> int:
        """Publish everything pending, in order per document; then mark what went out.

        Marks are written once per batch of documents, and also when a publish fails, so
        that a failure republishes (and the stream drops) only the events since the last mark.
        """
        published = 0
        for collection in self.collections:
            while documents := await self.storage.run(self._pending_documents, collection):
                sent: list[tuple[Any, str]] = []
                try:
                    for document in documents:
                        for cloud_event in document[FIELD]:
                            await self.publish(cloud_event)
                            sent.append((document["_id"], cloud_event["id"]))
                finally:
                    await self.storage.run(self._mark, collection, sent)
                published += len(sent)
                self.published_total += len(sent)
        return published

    @staticmethod
    def _mark(collection: Collection[Any], sent: list[tuple[Any, str]]) -> None:
        if sent:
            collection.update_many(
                {"_id": {"$in": list(dict.fromkeys(key for key, _ in sent))}},
                {"$pull": {FIELD: {"id": {"$in": [event_id for _, event_id in sent]}}}},
            )

    async def run_forever(self) -> None:
        backoff = self.poll_seconds
        while True:
            self._wake.clear()
            try:
                await self.run_once()
                backoff = self.poll_seconds
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.failures_total += 1
                log.warning("outbox relay: publish failed, will retry (%s)", exc)
                backoff = min(backoff * 2, 10.0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=backoff)

    def start(self) -> None:
        self._task = asyncio.create_task(self.run_forever(), name="outbox-relay")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
