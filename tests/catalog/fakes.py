"""In-memory repositories for use-case tests: they keep what is saved and the events it carried."""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from services.catalog import domain
from services.catalog.repository import Catalog, Page
from services.kernel import errors
from services.kernel.events import Event

A = TypeVar("A", bound=domain.Aggregate)


class FakeRepository(Generic[A]):
    def __init__(self, key: Callable[[A], str], unique: Callable[[A], Hashable] | None = None):
        self.key = key
        self.unique = unique
        self.items: dict[str, A] = {}
        self.events: list[Event] = []
        self.get_many_calls: list[list[str]] = []

    async def get(self, key: str) -> A | None:
        return copy.deepcopy(self.items.get(key))

    async def get_many(self, keys: list[str]) -> list[A]:
        self.get_many_calls.append(list(keys))
        return [copy.deepcopy(self.items[k]) for k in keys if k in self.items]

    async def add(self, aggregate: A) -> None:
        taken = self.key(aggregate) in self.items or (
            self.unique is not None
            and any(self.unique(a) == self.unique(aggregate) for a in self.items.values())
        )
        if taken:
            raise errors.Conflict("already exists", "key")
        self._keep(aggregate)

    async def save(self, aggregate: A) -> None:
        if self.items[self.key(aggregate)].version != aggregate.version:
            raise errors.StaleWrite("changed by someone else", "id")
        if aggregate.events:
            self._keep(aggregate)

    def _keep(self, aggregate: A) -> None:
        self.events += aggregate.events
        aggregate.version += 1
        aggregate.events = []
        self.items[self.key(aggregate)] = copy.deepcopy(aggregate)

    async def list(self, where: Any, page: Page) -> list[A]:
        keys = sorted(k for k in self.items if page.after is None or k > page.after)
        return [copy.deepcopy(self.items[k]) for k in keys[: page.first]]


def fake_catalog() -> Catalog:
    return Catalog(
        regions=FakeRepository(lambda r: r.code),
        masterplans=FakeRepository(lambda m: m.id),
        programs=FakeRepository(lambda p: p.id),
        quick_wins=FakeRepository(lambda q: q.id, unique=lambda q: (q.program_id, q.year)),
        cycles=FakeRepository(lambda c: c.id, unique=lambda c: (c.year, c.stage, c.cohort)),
    )


def all_events(catalog: Catalog) -> list[Event]:
    repositories = [
        catalog.regions,
        catalog.masterplans,
        catalog.programs,
        catalog.quick_wins,
        catalog.cycles,
    ]
    return [e for r in repositories for e in r.events]  # type: ignore[attr-defined]
