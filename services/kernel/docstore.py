"""Writes an aggregate's document and its new events in one single-document write.

Inserts carry the outbox in the new document; updates set the state, bump `version`
(optimistic concurrency) and push to the outbox in one `update_one`. A document is written
as its BSON data (`son`): a `StoredForm` makes that directly, a document class written out
by hand through `document_son`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from mongoengine import DictField, Document, IntField, ListField
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.kernel import errors, events, outbox
from services.kernel.mongo import Storage

D = TypeVar("D", bound=Document)
DUPLICATE_KEY = 11000


class StoredAggregate(Document):
    """The base of an aggregate's document: its version, for optimistic concurrency, and the
    events written with it that the outbox relay has not published yet. A service's own base
    names its database alias: `meta = {"abstract": True, "db_alias": ...}`."""

    meta: dict[str, Any] = {"abstract": True}
    version = IntField(default=0)
    outbox = ListField(DictField())


def aggregate_collections(
    storage: Storage, source: str, on_write: Callable[[outbox.Written], None]
) -> Callable[[type[Document]], AggregateCollection[Any]]:
    """Makes each of a service's aggregate collections, on its storage and its event source."""
    return lambda document: AggregateCollection(document, storage, source, on_write)


def document_son(document: Document) -> dict[str, Any]:
    """A mongoengine document, validated, as the data an aggregate collection writes."""
    document.validate()
    son: dict[str, Any] = document.to_mongo().to_dict()
    son.pop(outbox.FIELD, None)
    son.pop("version", None)
    return son


class AggregateCollection(Generic[D]):
    def __init__(
        self,
        document: type[D],
        storage: Storage,
        source: str,
        on_write: Callable[[outbox.Written], None] = lambda _: None,
    ) -> None:
        self.document = document
        self.storage = storage
        self.source = source
        self.on_write = on_write

    @property
    def collection(self) -> Collection[Any]:
        collection: Collection[Any] = self.document._get_collection()
        return collection

    def _envelopes(self, recorded: list[events.Event]) -> list[dict[str, Any]]:
        return [events.envelope(e, self.source) for e in recorded]

    async def insert(
        self, data: dict[str, Any], recorded: list[events.Event], *, conflict: errors.Conflict
    ) -> None:
        envelopes = self._envelopes(recorded)
        son = {**data, "version": 1, outbox.FIELD: envelopes}
        try:
            await self.storage.run(self.collection.insert_one, son)
        except DuplicateKeyError:
            raise conflict from None
        self.on_write(outbox.Written(self.collection, son["_id"], envelopes))

    async def insert_many(
        self, written: list[tuple[dict[str, Any], list[events.Event]]]
    ) -> list[bool]:
        """Each new document with its events, in one write: whether each was inserted, or its
        key was taken already (any other failure raises)."""
        if not written:
            return []
        sons = [
            {**data, "version": 1, outbox.FIELD: self._envelopes(recorded)}
            for data, recorded in written
        ]
        taken: set[int] = set()
        try:
            await self.storage.run(lambda: self.collection.insert_many(sons, ordered=False))
        except BulkWriteError as failed:
            refused = failed.details.get("writeErrors", [])
            if any(e.get("code") != DUPLICATE_KEY for e in refused):
                raise
            taken = {e["index"] for e in refused}
        for index, son in enumerate(sons):
            if index not in taken:
                self.on_write(outbox.Written(self.collection, son["_id"], son[outbox.FIELD]))
        return [index not in taken for index in range(len(sons))]

    async def update(
        self,
        data: dict[str, Any],
        version: int,
        recorded: list[events.Event],
        changed: bool = False,
    ) -> None:
        """Writes the document and its events, unless it neither recorded nor changed any."""
        if not recorded and not changed:
            return
        son = dict(data)
        key = son.pop("_id")
        envelopes = self._envelopes(recorded)
        change = {"$set": son, "$inc": {"version": 1}, **outbox.outbox_push(envelopes)}
        result = await self.storage.run(
            self.collection.update_one, {"_id": key, "version": version}, change
        )
        if result.matched_count == 0:
            raise errors.StaleWrite(f"{key} was changed by someone else; reload and retry", "id")
        self.on_write(outbox.Written(self.collection, key, envelopes))

    def _find(self, query: dict[str, Any], sort: str | None, limit: int) -> list[dict[str, Any]]:
        cursor = self.collection.find(query, {outbox.FIELD: 0})
        if sort:  # "-number": by number, descending
            cursor = cursor.sort(sort.removeprefix("-"), -1 if sort.startswith("-") else 1)
        if limit:
            cursor = cursor.limit(limit)
        return list(cursor)

    async def find(
        self, query: dict[str, Any], *, sort: str | None = None, limit: int = 0
    ) -> list[dict[str, Any]]:
        """The stored documents as read (not built into the document class, which costs more
        than the read), without their outbox."""
        return await self.storage.run(self._find, query, sort, limit)

    async def find_one(self, query: dict[str, Any]) -> dict[str, Any] | None:
        found = await self.find(query, limit=1)
        return found[0] if found else None


def ensure_indexes(documents: tuple[type[Document], ...]) -> None:
    for document in documents:
        document.ensure_indexes()
        document._get_collection().create_index(outbox.PENDING_KEY, sparse=True)


def collections_of(documents: tuple[type[Document], ...]) -> list[Collection[Any]]:
    return [document._get_collection() for document in documents]
