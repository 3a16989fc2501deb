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
        """Publish everything pending; a failed publish stops that document, keeping order."""
        published = 0
        for collection in self.collections:
            while documents := await self.storage.run(self._pending_documents, collection):
                for document in documents:
                    for cloud_event in document[FIELD]:
                        await self.publish(cloud_event)
                        await self.storage.run(
                            collection.update_one,
                            {"_id": document["_id"]},
                            {"$pull": {FIELD: {"id": cloud_event["id"]}}},
                        )
                        published += 1
                        self.published_total += 1
        return published

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
