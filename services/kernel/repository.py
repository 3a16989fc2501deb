"""Repositories of aggregates: the Protocol use cases see, and its one MongoDB implementation."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import bson
import mongoengine as me
from pymongo.collection import Collection

from services.kernel import errors
from services.kernel.aggregate import Aggregate
from services.kernel.docstore import AggregateCollection, document_son
from services.kernel.lru import LruCache
from services.kernel.mongo import Storage
from services.kernel.outbox import FIELD as OUTBOX

MAX_PAGE = 500

A = TypeVar("A", bound=Aggregate)
T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    """A keyset page: `after` is the key of the last item of the previous page."""

    first: int = 100
    after: str | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.first <= MAX_PAGE:
            raise errors.BadUserInput(f"first must be between 1 and {MAX_PAGE}", "first")


class Repository(Protocol[A]):
    async def get(self, key: str) -> A | None: ...
    async def get_many(self, keys: list[str]) -> list[A]: ...
    async def add(self, aggregate: A) -> None: ...
    async def save(self, aggregate: A) -> None: ...
    async def list(self, where: Any, page: Page) -> list[A]: ...


async def require(repository: Repository[A], key: str, what: str, field: str) -> A:
    """The aggregate under `key`, or NOT_FOUND naming the input field that gave the key."""
    found = await repository.get(key)
    if found is None:
        raise errors.NotFound(f"{what} {key} does not exist", field)
    return found


async def added(repository: Repository[A], aggregate: A) -> A:
    """Adds a new aggregate (CONFLICT when its key is taken) and gives it back."""
    await repository.add(aggregate)
    return aggregate


async def change(
    repository: Repository[A], key: str, what: str, field: str, apply: Callable[[A], object]
) -> A:
    """Loads the aggregate under `key` (NOT_FOUND naming `field` when there is none), applies
    a change to it and saves it; a save that lost a race to another writer is tried again on a
    fresh load, so the change is checked against what is stored now."""

    async def attempt() -> A:
        found = await require(repository, key, what, field)
        apply(found)
        await repository.save(found)
        return found

    return await errors.retry_when_stale(attempt)


async def every(
    page_of: Callable[[Page], Awaitable[list[A]]],
    key_of: Callable[[A], str],
    after: str | None = None,
    most: int | None = None,
) -> list[A]:
    """All items of a listing (those after the key `after`, when given), read a full page at
    a time; the first `most` of them, when given."""
    found: list[A] = []
    while True:
        wanted = MAX_PAGE if most is None else min(MAX_PAGE, most - len(found))
        batch = await page_of(Page(wanted, after))
        found += batch
        if len(batch) < wanted or (most is not None and len(found) >= most):
            return found
        after = key_of(batch[-1])


def given(**conditions: Any) -> dict[str, Any]:
    """A query from the filter values that were given (None means no condition)."""
    return {key: value for key, value in conditions.items() if value is not None}


def duplicate_id(what: str) -> Callable[[Any], errors.Conflict]:
    """The conflict of adding an aggregate whose `id` is taken, for `MongoRepository`."""
    return lambda aggregate: errors.Conflict(f"{what} {aggregate.id} already exists", "id")


def matching(where: Any) -> dict[str, Any]:
    """A query from a filter whose fields are named as the document's: each field given
    (not None) must equal its value, an enumeration's by its value."""
    return given(**{f.name: enum_value(getattr(where, f.name)) for f in dataclasses.fields(where)})


def enum_value(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


class DocumentMapping(Protocol[A]):
    """An aggregate's document class and the mapping between the two (`kernel.stored`)."""

    @property
    def document(self) -> type[me.Document]: ...

    def to_son(self, aggregate: A) -> dict[str, Any]: ...
    def to_domain(self, son: Mapping[str, Any]) -> A: ...


@dataclass(frozen=True)
class MappedByHand(Generic[A]):
    """A `DocumentMapping` written out, for an aggregate stored unlike its dataclass."""

    document: type[me.Document]
    to_document: Callable[[A], me.Document]
    from_document: Callable[[Any], A]

    def to_son(self, aggregate: A) -> dict[str, Any]:
        return document_son(self.to_document(aggregate))

    def to_domain(self, son: Mapping[str, Any]) -> A:
        return self.from_document(self.document._from_son(son))


Collections = Callable[[type[me.Document]], AggregateCollection[Any]]


class MongoRepository(Generic[A]):
    def __init__(
        self,
        mapping: DocumentMapping[A],
        collection_of: Collections,
        *,
        query_of: Callable[[Any], dict[str, Any]],
        duplicate: Callable[[A], errors.Conflict],
    ) -> None:
        self.store = collection_of(mapping.document)
        self.to_son = mapping.to_son
        self.to_domain = mapping.to_domain
        self.query_of = query_of
        self.duplicate = duplicate

    async def get(self, key: str) -> A | None:
        found = await self.store.find_one({"_id": key})
        return self.to_domain(found) if found else None

    async def get_many(self, keys: list[str]) -> list[A]:
        return [self.to_domain(d) for d in await self.store.find({"_id": {"$in": keys}})]

    async def add(self, aggregate: A) -> None:
        data = self.to_son(aggregate)
        await self.store.insert(data, aggregate.events, conflict=self.duplicate(aggregate))
        aggregate.version, aggregate.events = 1, []

    async def add_many(self, aggregates: list[A]) -> list[bool]:
        """New aggregates in one write: whether each was added, or its key was taken."""
        written = [(self.to_son(a), a.events) for a in aggregates]
        added = await self.store.insert_many(written)
        for aggregate, was_added in zip(aggregates, added, strict=True):
            if was_added:
                aggregate.version, aggregate.events = 1, []
        return added

    async def save(self, aggregate: A) -> None:
        data = self.to_son(aggregate)
        await self.store.update(data, aggregate.version, aggregate.events, aggregate.changed)
        if aggregate.events or aggregate.changed:
            aggregate.version, aggregate.events, aggregate.changed = (
                aggregate.version + 1,
                [],
                False,
            )

    async def list(self, where: Any, page: Page) -> list[A]:
        query = self.query_of(where)
        if page.after:
            query["_id"] = {"$gt": page.after}
        found = await self.store.find(query, sort="_id", limit=page.first)
        return [self.to_domain(d) for d in found]


class ImmutableCache(Generic[A]):
    """A repository of aggregates that never change once added, read from memory after once."""

    def __init__(self, inner: Repository[A], key_of: Callable[[A], str]) -> None:
        self.inner = inner
        self.key_of = key_of
        self._kept: dict[str, A] = {}

    async def get(self, key: str) -> A | None:
        if key not in self._kept:
            found = await self.inner.get(key)
            if found is None:
                return None
            self._kept[key] = found
        return self._kept[key]

    async def get_many(self, keys: list[str]) -> list[A]:
        missing = [k for k in keys if k not in self._kept]
        if missing:
            for found in await self.inner.get_many(missing):
                self._kept[self.key_of(found)] = found
        return [self._kept[k] for k in keys if k in self._kept]

    async def add(self, aggregate: A) -> None:
        await self.inner.add(aggregate)
        self._kept[self.key_of(aggregate)] = aggregate

    async def save(self, aggregate: A) -> None:
        raise TypeError("an immutable aggregate is never saved again")

    async def list(self, where: Any, page: Page) -> list[A]:
        return await self.inner.list(where, page)


# what a converted document holds in Python objects, for each byte of its BSON
PYTHON_BYTES_PER_BSON_BYTE = 4


class VersionedReads(Generic[T]):
    """What a query finds, for readers that never change it (a page of scorecards, a cycle's
    ranking), each document converted once per version: the query reads only keys and
    versions, and documents are read, by key, only for what is not held at that version.
    What is held is bounded by its bytes (`kernel.lru`), the least recently read dropped
    first."""

    def __init__(
        self,
        collection_of: Callable[[], Collection[Any]],
        storage: Storage,
        to_domain: Callable[[dict[str, Any]], T],
        *,
        version: str = "version",
        max_bytes: int = 128 * 1024 * 1024,
    ) -> None:
        self.collection_of, self.storage, self.to_domain = collection_of, storage, to_domain
        self.version = version
        self._held: LruCache[Any, tuple[Any, T, int]] = LruCache(max_bytes, lambda _, v: v[2])

    async def find(self, query: dict[str, Any]) -> list[tuple[Any, T]]:
        """The key and the converted document of each document the query finds."""
        stamps = await self.storage.run(self._stamps, query)
        held = {key: self._held.get(key) for key, _ in stamps}
        stale = [key for key, version in stamps if (held[key] or (None,))[0] != version]
        if stale:
            held |= dict.fromkeys(stale)  # gone by the time they are read: not found
            for son in await self.storage.run(self._documents, stale):
                weight = len(bson.encode(son)) * PYTHON_BYTES_PER_BSON_BYTE
                converted = (son.get(self.version), self.to_domain(son), weight)
                held[son["_id"]] = self._held.put(son["_id"], converted)
        return [(key, found[1]) for key, _ in stamps if (found := held[key]) is not None]

    def _stamps(self, query: dict[str, Any]) -> list[tuple[Any, Any]]:
        found = self.collection_of().find(query, {self.version: 1})
        return [(stamp["_id"], stamp.get(self.version)) for stamp in found]

    def _documents(self, keys: list[Any]) -> list[dict[str, Any]]:
        return list(self.collection_of().find({"_id": {"$in": keys}}, {OUTBOX: 0}))
