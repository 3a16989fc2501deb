"""The in-process store (`mongomock://`): mongomock's client, handed to mongoengine as its
`mongo_client_class`, with collections that find documents by `_id` directly.

mongomock answers every query by testing each document of the collection, so a lookup by
`_id` costs as much as a full scan: the outbox relay's marks and every aggregate load
slowed down linearly with the data. Its documents are already kept by `_id`, so a query
that pins `_id` to a value or an `$in` list reads just those documents, then applies the
rest of the filter to them as before. A query that wants fields equal to texts (a region
code, or one of a page's) tests those with a set lookup, not mongomock's general matching;
MongoDB answers both from the indexes the services declare.

A query that wants a field to exist, on a collection with a sparse index on that field (the
outbox's pending events), reads the documents that have it, as MongoDB reads the index:
without it, every outbox sweep tested every document ever written, under the store's one
lock, and a national cycle's writes slowed down with the square of their number. The
collection notes which documents have the field as it inserts and updates them.

mongomock copies every document a query matches before it cuts the page a limit asks for,
so a page of the first 100 regions copied all of them: a `PagedCursor` copies the page only.

mongomock also copies every document it stores with the general-purpose `copy` module, and
every document an update matches, to compare and roll back: a region's programs, updated once
an event, were copied whole each time. Stored documents hold only BSON values, so
`plain_copy` rebuilds dicts and lists and shares the immutable values, and mongomock's
collection module is handed a `copy` whose `deepcopy` is `plain_copy` (anything not BSON
still goes to the real one). It patches every document written to MongoDB's datetimes the
same general way, so it is handed `patched_datetimes` for that, which gives the same.
Apart from those two names, nothing of mongomock's is replaced: these are subclasses, and
the version they subclass is pinned in `pyproject.toml`.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from itertools import islice
from typing import Any

import mongomock
import mongomock.collection
import mongomock.database
from bson import Decimal128, Int64, ObjectId
from mongomock import helpers
from mongomock.collection import Collection, Cursor
from mongomock.filtering import filter_applies

from services.kernel import mongo

KEY_TYPES = (str, int, ObjectId)
IMMUTABLE = frozenset(
    {str, int, float, bool, type(None), bytes, dt.datetime, dt.date, ObjectId, Decimal128,
     Int64, uuid.UUID}
)  # fmt: skip


def plain_copy(value: Any) -> Any:
    """A deep copy of BSON data that shares its immutable values."""
    kind = type(value)
    if kind is dict:
        return {key: plain_copy(item) for key, item in value.items()}
    if kind is OrderedDict:  # how mongomock keeps a stored document's top level
        return OrderedDict((key, plain_copy(item)) for key, item in value.items())
    if kind is list:
        return [plain_copy(item) for item in value]
    if kind in IMMUTABLE:
        return value
    return copy.deepcopy(value)


class _PlainCopying:
    """The `copy` module as mongomock's collection module sees it: `deepcopy` without a memo
    is `plain_copy`."""

    copy = staticmethod(copy.copy)

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        return plain_copy(value) if memo is None else copy.deepcopy(value, memo)


mongomock.collection.copy = _PlainCopying  # type: ignore[assignment]

_mongomocks_datetimes = helpers.patch_datetime_awareness_in_document


def patched_datetimes(value: Any) -> Any:
    """What mongomock's `patch_datetime_awareness_in_document` gives (datetimes as MongoDB
    keeps them: naive UTC, to the millisecond), without testing each value against every
    container type: plain dicts, lists and immutable values are told by their exact type,
    anything else is mongomock's own."""
    kind = type(value)
    if kind is dict:
        return {key: patched_datetimes(item) for key, item in value.items()}
    if kind is list or kind is tuple:
        return [patched_datetimes(item) for item in value]
    if kind is OrderedDict:
        return OrderedDict((key, patched_datetimes(item)) for key, item in value.items())
    if kind in IMMUTABLE and kind is not dt.datetime:
        return value
    return _mongomocks_datetimes(value)


class _DatetimePatching:
    """mongomock's helpers module as its collection module sees it: every name its own but
    `patch_datetime_awareness_in_document`, which is `patched_datetimes`; mongomock patches
    every document written and every filter, twice over for an update."""

    patch_datetime_awareness_in_document = staticmethod(patched_datetimes)

    def __getattr__(self, name: str) -> Any:
        return getattr(helpers, name)


mongomock.collection.helpers = _DatetimePatching()  # type: ignore[assignment]


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


def text_conditions(query: Any) -> dict[str, frozenset[str]]:
    """The top-level fields a query wants equal to a text, or to one of a list of texts
    (`{"region_code": {"$in": [...]}}`), with the texts wanted."""
    found: dict[str, frozenset[str]] = {}
    if not isinstance(query, Mapping):
        return found
    for field, wanted in query.items():
        if field.startswith("$") or "." in field or field == "_id":
            continue
        if isinstance(wanted, str):
            found[field] = frozenset([wanted])
        elif isinstance(wanted, Mapping) and list(wanted) == ["$in"]:
            values = wanted["$in"]
            if isinstance(values, list | tuple) and all(isinstance(v, str) for v in values):
                found[field] = frozenset(values)
    return found


def _plain_projection(fields: Any) -> bool:
    """Whether a projection only keeps, or only leaves out, top-level fields (or is none)."""
    if fields is None:
        return True
    if not isinstance(fields, Mapping):
        return False
    named = [name for name in fields if name != "_id"]
    if any(name.startswith("$") or "." in name for name in fields):
        return False
    wanted = {bool(fields[name]) for name in named}
    return len(wanted) <= 1 and all(isinstance(v, int | bool) for v in fields.values())


def stored_key(key: Any) -> Any:
    """The key mongomock keeps a document under: its `_id`, hashable."""
    return helpers.hashdict(key) if isinstance(key, dict) else key


def wanted_to_exist(query: Any) -> list[str]:
    """The top-level fields a query wants to exist (`{"outbox.id": {"$exists": True}}`)."""
    if not isinstance(query, Mapping):
        return []
    return [field for field, wanted in query.items()
            if isinstance(wanted, Mapping) and wanted.get("$exists") is True]  # fmt: skip


class SparseIndex:
    """The keys of the documents that have a field, in the order they came to have it."""

    def __init__(self, field: str, documents: Iterator[dict[str, Any]]) -> None:
        self.having = {field: {"$exists": True}}
        self.keys: dict[Any, None] = {}
        for document in documents:
            self.note(stored_key(document["_id"]), document)

    def note(self, key: Any, document: dict[str, Any] | None) -> None:
        if document is not None and filter_applies(self.having, document):
            self.keys[key] = None
        else:
            self.keys.pop(key, None)


def stored_documents(collection: Collection) -> Iterator[dict[str, Any]]:
    """A collection's documents as it keeps them, not copied: to be encoded (a snapshot,
    under the store's lock), never changed."""
    documents: Iterator[dict[str, Any]] = collection._store.documents
    return documents


class PagedCursor(Cursor):
    """A cursor with a limit copies only the documents of its page; mongomock's copies every
    document the query matches, then cuts the page. And it hands its documents out one by
    one from the list it computed; mongomock's slices that list again for every document,
    so reading a collection of n documents whole cost n² (minutes for a snapshot of 200,000).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._page: list[dict[str, Any]] | None = None
        self._page_of: Any = None  # the query (mongomock's factory) the page was read for
        self._handed: tuple[Any, list[dict[str, Any]]] | None = None

    def __next__(self) -> dict[str, Any]:
        read_for = (self._factory, self._skip, self._limit)
        if self._handed is None or self._handed[0] != read_for:
            self._handed = (read_for, self._compute_results(with_limit_and_skip=True))
        results = self._handed[1]
        if self._emitted >= len(results):
            raise StopIteration
        self._emitted += 1
        return results[self._emitted - 1]

    next = __next__

    def _compute_results(self, with_limit_and_skip: bool = False) -> list[dict[str, Any]]:
        if not (with_limit_and_skip and self._limit):
            computed: list[dict[str, Any]] = super()._compute_results(with_limit_and_skip)
            return computed
        if self._page is None or self._page_of is not self._factory:
            found: Iterator[dict[str, Any]] = islice(self._factory(), self._skip + abs(self._limit))
            if self.collection.codec_options.tz_aware:
                found = (helpers.make_datetime_timezone_aware_in_document(d) for d in found)
            self._page, self._page_of = list(found)[self._skip :], self._factory
        return self._page


class KeyedCollection(Collection):
    _updating = threading.local()  # the keys of what the update on this thread matched

    def find(self, *args: Any, **kwargs: Any) -> Cursor:
        """mongomock's cursor, checked by mongomock, as a `PagedCursor`."""
        checked = super().find(*args, **kwargs)
        return PagedCursor(
            self, checked._spec, checked._sort, checked._projection, checked._skip,
            checked._limit or 0, collation=checked._collation,
        )  # fmt: skip

    def _iter_documents(self, filter: Any) -> Iterator[dict[str, Any]]:
        found = self._documents_for(filter)
        matched = getattr(self._updating, "keys", None)
        if matched is None:
            return found
        return (matched.append(d["_id"]) or d for d in found)

    def _documents_for(self, filter: Any) -> Iterator[dict[str, Any]]:
        keys = pinned_keys(filter)
        if keys is None:
            indexed = self._indexed(filter)
            if indexed is not None:
                return indexed
            by_text = self._matching_texts(filter)
            if by_text is not None:
                return by_text
            found: Iterator[dict[str, Any]] = super()._iter_documents(filter)
            return found
        store = self._store
        documents = [store[key] for key in keys if key in store]
        rest = {field: wanted for field, wanted in filter.items() if field != "_id"}
        return (d for d in documents if not rest or filter_applies(rest, d))

    def _sparse_indexes(self) -> dict[str, SparseIndex]:
        """The collection's single-field sparse indexes, built on first use and kept with its
        documents (a dropped collection's go with them)."""
        store = self._store
        built: tuple[Any, dict[str, SparseIndex]] | None = getattr(store, "sparse_indexes", None)
        if built is None or built[0] is not store._documents:
            built = (store._documents, {})
            store.sparse_indexes = built
        indexes = built[1]
        for declared in store.indexes.values():
            [*fields] = declared.get("key", ())
            if declared.get("sparse") and len(fields) == 1 and fields[0][0] not in indexes:
                field = fields[0][0]
                indexes[field] = SparseIndex(field, iter(list(store.documents)))
        return indexes

    def _indexed(self, filter: Any) -> Iterator[dict[str, Any]] | None:
        """The documents of a query that wants a sparsely indexed field to exist."""
        wanted = wanted_to_exist(filter)
        if not wanted:
            return None
        indexes = self._sparse_indexes()
        index = next((indexes[field] for field in wanted if field in indexes), None)
        if index is None:
            return None
        stored = self._store._documents
        documents = [stored[key] for key in list(index.keys) if key in stored]
        return (d for d in documents if filter_applies(filter, d))

    def _note(self, keys: list[Any]) -> None:
        """What the sparse indexes know of the documents of these keys, brought up to date."""
        indexes = self._sparse_indexes()
        if not indexes:
            return
        documents = self._store._documents
        for key in map(stored_key, keys):
            document = documents.get(key)
            for index in indexes.values():
                index.note(key, document)

    def _insert(self, data: Any, *args: Any, **kwargs: Any) -> Any:
        inserted = super()._insert(data, *args, **kwargs)
        if not isinstance(data, list):  # a list comes back here one document at a time
            self._note([inserted])
        return inserted

    def _update(self, *args: Any, **kwargs: Any) -> Any:
        """mongomock changes the documents an update matches in place: each one matched is
        noted again afterwards, whether the update went through or was rolled back."""
        outer, self._updating.keys = getattr(self._updating, "keys", None), []
        try:
            return super()._update(*args, **kwargs)
        finally:
            matched, self._updating.keys = self._updating.keys, outer
            self._note(matched)

    def _copy_only_fields(self, doc: dict[str, Any], fields: Any, container: Any) -> Any:
        """What a query hands out: a plain copy of the document, or of the top-level fields a
        projection keeps; other projections are mongomock's."""
        if container is not dict or not _plain_projection(fields):
            return super()._copy_only_fields(doc, fields, container)
        if not fields:
            return plain_copy(dict(doc))
        with_id = fields.get("_id", 1)
        kept = [name for name in fields if name != "_id"]
        if not kept:  # the key alone, or all but the key
            if with_id:
                return {"_id": doc["_id"]} if "_id" in doc else {}
            return {key: plain_copy(value) for key, value in doc.items() if key != "_id"}
        keep = bool(fields[kept[0]])  # the fields named are kept, or left out
        return {key: plain_copy(value) for key, value in doc.items()
                if (with_id if key == "_id" else (key in fields) == keep)}  # fmt: skip

    def _matching_texts(self, filter: Any) -> Iterator[dict[str, Any]] | None:
        """The documents of a query that wants some fields equal to texts, each tested by a
        set lookup on those fields; a document whose field is not a text (an array, say, or
        missing) is left to mongomock's matching, as is the rest of the query."""
        texts = text_conditions(filter)
        if not texts:
            return None
        rest = {field: wanted for field, wanted in filter.items() if field not in texts}
        if self._store.is_empty:
            filter_applies(filter, {})  # a malformed query is refused, as mongomock does

        def matches(document: dict[str, Any]) -> bool:
            for field, wanted in texts.items():
                value = document.get(field)
                if type(value) is not str:
                    return bool(filter_applies(filter, document))
                if value not in wanted:
                    return False
            return not rest or bool(filter_applies(rest, document))

        return (d for d in list(self._store.documents) if matches(d))

    def with_options(self, *args: Any, **options: Any) -> Collection:
        changed = super().with_options(*args, **options)
        if changed is self:
            return self
        return KeyedCollection(
            self.database, self.name, write_concern=changed.write_concern,
            read_concern=changed.read_concern, read_preference=changed.read_preference,
            codec_options=changed.codec_options, _db_store=self._db_store,
        )  # fmt: skip

    def _internalize_dict(self, d: Mapping[str, Any]) -> dict[str, Any]:
        """What an insert stores: a copy of the document, as plain data."""
        return {key: plain_copy(value) for key, value in d.items()}


class KeyedDatabase(mongomock.database.Database):
    def get_collection(self, name: str, *args: Any, **options: Any) -> Collection:
        if name not in self._collection_accesses:
            self._ensure_valid_collection_name(name)
            self._collection_accesses[name] = KeyedCollection(
                self, name=name, read_preference=self.read_preference,
                codec_options=self._codec_options, _db_store=self._store,
            )  # fmt: skip
        return super().get_collection(name, *args, **options)


class InMemoryClient(mongomock.MongoClient):
    """mongomock's client, whose databases keep `KeyedCollection`s."""

    def get_database(self, name: str | None = None, *args: Any, **options: Any) -> Any:
        accesses: dict[str, Any] = self._database_accesses  # type: ignore[assignment]
        if name is not None and name not in accesses:
            accesses[name] = KeyedDatabase(
                self, name, read_preference=self.read_preference,
                codec_options=self._codec_options, _store=self._store[name],
            )  # fmt: skip
        return super().get_database(name, *args, **options)


mongo.use_in_process_store(InMemoryClient)  # `mongomock://` is this store from now on
