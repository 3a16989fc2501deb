"""The in-process store (`mongomock://`), given the one index every read here leans on.

mongomock answers every query by testing each document of the collection, so a lookup by
`_id` costs as much as a full scan: the outbox relay's marks and every aggregate load
slowed down linearly with the data. Its documents are already kept by `_id`, so a query
that pins `_id` to a value or an `$in` list reads just those documents, then applies the
rest of the filter to them as before. Queries that do not pin `_id` are unchanged.

mongomock also copies documents on every read and write (a whole snapshot before each
update) with the general-purpose `copy` module. Stored documents hold only BSON values, so
`JsonCopies` rebuilds dicts and lists and shares the immutable values; anything else is
still copied by the `copy` module.
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any

import mongomock
import mongomock.collection
import mongomock.database
from bson import Decimal128, Int64, ObjectId
from mongomock.collection import Collection
from mongomock.filtering import filter_applies

KEY_TYPES = (str, int, ObjectId)
IMMUTABLE = frozenset(
    {str, int, float, bool, type(None), bytes, dt.datetime, dt.date, ObjectId, Decimal128,
     Int64, uuid.UUID}
)  # fmt: skip


class JsonCopies:
    """Stands in for the `copy` module inside mongomock's collection code."""

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        kind = type(value)
        if kind is dict:
            return {key: JsonCopies.deepcopy(item) for key, item in value.items()}
        if kind is OrderedDict:  # how mongomock keeps a stored document's top level
            return OrderedDict((key, JsonCopies.deepcopy(item)) for key, item in value.items())
        if kind is list:
            return [JsonCopies.deepcopy(item) for item in value]
        if kind in IMMUTABLE:
            return value
        return copy.deepcopy(value, memo)

    @staticmethod
    def copy(value: Any) -> Any:
        return value if type(value) in IMMUTABLE else copy.copy(value)


def pinned_keys(query: Any) -> list[Any] | None:
    """The `_id` values a query is limited to, or None when it may match any document."""
    if not isinstance(query, Mapping) or "_id" not in query:
        return None
    wanted = query["_id"]
    if isinstance(wanted, KEY_TYPES) and not isinstance(wanted, bool):
        return [wanted]
    if isinstance(wanted, Mapping) and list(wanted) == ["$in"]:
        values = wanted["$in"]
        if isinstance(values, list | tuple) and all(
            isinstance(v, KEY_TYPES) and not isinstance(v, bool) for v in values
        ):
            return list(dict.fromkeys(values))
    return None


class KeyedCollection(Collection):
    def _iter_documents(self, filter: Any) -> Iterator[dict[str, Any]]:
        keys = pinned_keys(filter)
        if keys is None:
            found: Iterator[dict[str, Any]] = super()._iter_documents(filter)
            return found
        store = self._store
        documents = [store[key] for key in keys if key in store]
        rest = {field: wanted for field, wanted in filter.items() if field != "_id"}
        return (d for d in documents if not rest or filter_applies(rest, d))


def client_class() -> type[mongomock.MongoClient]:
    """mongomock's client, with collections that find documents by `_id` directly and copy
    documents as plain data."""
    mongomock.database.Collection = KeyedCollection  # type: ignore[misc]
    mongomock.collection.copy = JsonCopies  # type: ignore[assignment]
    return mongomock.MongoClient
