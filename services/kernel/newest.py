"""Keeping the newest version of a fact another service published: one conditional update,
so that two replicas applying events of one fact in any order keep the same, newest one.

Event times are compared as instants: each is stored as fixed-width UTC text with its
microseconds (`2026-12-06T07:04:47.000000Z`), whose text order is its time order whatever
offset or precision the producer wrote.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

AS_OF = "as_of"


def instant(at: dt.datetime) -> str:
    """`at` as fixed-width UTC text that sorts as time does."""
    if at.tzinfo is None:
        raise ValueError(f"{at} has no time zone: an event time is an instant")
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def keep_newest(
    collection: Collection[Any], key: str, fields: dict[str, Any], at: dt.datetime, slot: str = ""
) -> bool:
    """Sets `fields` (under `slot`, a dotted path, when given) of the document `key` unless
    fields of a later instant are stored there; whether they were set. An event of the same
    instant as the stored one is applied again (redelivery changes nothing)."""
    as_of = f"{slot}.{AS_OF}" if slot else AS_OF
    when = instant(at)
    change = {f"{slot}.{k}" if slot else k: v for k, v in {**fields, AS_OF: when}.items()}
    not_newer = {"$or": [{as_of: {"$exists": False}}, {as_of: {"$lte": when}}]}
    wanted = {"_id": key, **not_newer}
    try:
        result = collection.update_one(wanted, {"$set": change}, upsert=True)
    except DuplicateKeyError:
        # the document is there: with a later instant, or inserted a moment ago by another
        # replica (MongoDB retries such an insert only for a filter on `_id` alone), so the
        # update is tried once more on what is there now
        result = collection.update_one(wanted, {"$set": change})
        return result.matched_count > 0
    return result.matched_count > 0 or result.upserted_id is not None
