"""Events that can never be published as they are, parked so they block nothing behind them.

An event the stream refuses for what it is (larger than NATS allows, a request the stream
calls bad) would be refused again on every retry, and an aggregate's later events wait
behind it. The outbox relay parks such an event here, with the reason, and goes on with the
next; admins see what was parked in each service's `undeliveredEvents` field and in the
`smartcity_outbox_dead_letters_waiting` gauge, and send it again after a fix (a larger
stream limit, say) with the service's `replayUndeliveredEvents` mutation or
`smartcity events dead-letters --replay`: sent, it leaves the list; refused again, it stays
with the new reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

from pymongo import DESCENDING
from pymongo.database import Database

COLLECTION = "dead_letters"
SHOWN = 100


@dataclass(frozen=True)
class DeadLetter:
    event_id: str
    event_type: str
    subject: str  # the aggregate's key
    reason: str
    size_bytes: int
    parked_at: dt.datetime


@dataclass
class Replayed:
    replayed: list[str] = field(default_factory=list)
    still_undeliverable: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


class DeadLetterDesk(Protocol):
    """What admins do with a service's dead letters, through its API."""

    async def latest(self) -> list[DeadLetter]: ...
    async def replay(self, event_ids: list[str] | None) -> Replayed: ...


class DeadLetters:
    """Synchronous, like the storage calls it is run among (through `Storage.run`)."""

    def __init__(self, db: Database[Any]) -> None:
        self.collection = db[COLLECTION]

    def ensure_indexes(self) -> None:
        self.collection.create_index([("parked_at", DESCENDING)])

    def park(self, cloud_event: dict[str, Any], reason: str, size_bytes: int) -> None:
        """Keyed by the event id, so parking the same event again changes nothing."""
        self.collection.update_one(
            {"_id": cloud_event["id"]},
            {
                "$setOnInsert": {
                    "type": cloud_event.get("type", ""),
                    "subject": str(cloud_event.get("subject", "")),
                    "reason": reason[:1_000],
                    "size_bytes": size_bytes,
                    "parked_at": dt.datetime.now(dt.UTC),
                    "event": cloud_event if size_bytes <= 8 * 1024 * 1024 else None,
                }
            },
            upsert=True,
        )

    def count(self) -> int:
        return self.collection.count_documents({})

    def parked(self, event_ids: list[str] | None, limit: int = SHOWN) -> list[tuple[str, Any]]:
        """(id, the event as parked, or None when it was too large to keep), oldest first."""
        query = {} if event_ids is None else {"_id": {"$in": event_ids}}
        found = self.collection.find(query, {"event": 1}).sort("parked_at", 1).limit(limit)
        return [(doc["_id"], doc.get("event")) for doc in found]

    def refused_again(self, event_id: str, reason: str) -> None:
        self.collection.update_one({"_id": event_id}, {"$set": {"reason": reason[:1_000]}})

    def remove(self, event_id: str) -> None:
        self.collection.delete_one({"_id": event_id})

    def latest(self, limit: int = SHOWN) -> list[DeadLetter]:
        found = self.collection.find({}, {"event": 0}).sort("parked_at", DESCENDING).limit(limit)
        return [
            DeadLetter(
                event_id=doc["_id"],
                event_type=doc["type"],
                subject=doc["subject"],
                reason=doc["reason"],
                size_bytes=doc["size_bytes"],
                parked_at=doc["parked_at"],
            )
            for doc in found
        ]
