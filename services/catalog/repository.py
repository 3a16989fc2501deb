"""What use cases ask of storage: the repository Protocol, its filters and pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from services.catalog import domain
from services.kernel import errors

MAX_PAGE = 500

A = TypeVar("A", bound=domain.Aggregate)


@dataclass(frozen=True)
class Page:
    first: int = 100
    after: str | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.first <= MAX_PAGE:
            raise errors.BadUserInput(f"first must be between 1 and {MAX_PAGE}", "first")


@dataclass(frozen=True)
class RegionFilter:
    province: str | None = None
    cohort: str | None = None
    kind: domain.RegionKind | None = None


@dataclass(frozen=True)
class ProgramFilter:
    region_codes: tuple[str, ...] | None = None
    masterplan_id: str | None = None
    dimension: str | None = None
    sub_dimension: str | None = None
    phase: domain.ProgramPhase | None = None
    year: int | None = None


@dataclass(frozen=True)
class QuickWinFilter:
    region_code: str | None = None
    program_id: str | None = None
    year: int | None = None
    status: domain.QuickWinStatus | None = None


@dataclass(frozen=True)
class CycleFilter:
    year: int | None = None
    stage: domain.CycleStage | None = None
    cohort: str | None = None
    status: domain.CycleStatus | None = None


class Repository(Protocol[A]):
    async def get(self, key: str) -> A | None: ...
    async def get_many(self, keys: list[str]) -> list[A]: ...
    async def add(self, aggregate: A) -> None: ...
    async def save(self, aggregate: A) -> None: ...
    async def list(self, where: Any, page: Page) -> list[A]: ...


@dataclass
class Catalog:
    """The catalog's repositories, handed to use cases together."""

    regions: Repository[domain.Region]
    masterplans: Repository[domain.Masterplan]
    programs: Repository[domain.Program]
    quick_wins: Repository[domain.QuickWin]
    cycles: Repository[domain.EvaluationCycle]
