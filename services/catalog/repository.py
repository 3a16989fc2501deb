"""What catalog use cases ask of storage: its repositories and their filters."""

from __future__ import annotations

from dataclasses import dataclass

from services.catalog import domain
from services.kernel.repository import Page, Repository

__all__ = ["Catalog", "CycleFilter", "Page", "ProgramFilter", "QuickWinFilter", "RegionFilter"]


@dataclass(frozen=True)
class RegionFilter:
    province: str | None = None
    cohort: str | None = None
    kind: domain.RegionKind | None = None


@dataclass(frozen=True)
class ProgramFilter:
    region_codes: tuple[str, ...] | None = None
    masterplan_ids: tuple[str, ...] | None = None
    dimension: str | None = None
    sub_dimension: str | None = None
    phase: domain.ProgramPhase | None = None
    year: int | None = None


@dataclass(frozen=True)
class QuickWinFilter:
    region_codes: tuple[str, ...] | None = None
    program_ids: tuple[str, ...] | None = None
    year: int | None = None
    status: domain.QuickWinStatus | None = None


@dataclass(frozen=True)
class CycleFilter:
    year: int | None = None
    stage: domain.CycleStage | None = None
    cohort: str | None = None
    status: domain.CycleStatus | None = None


@dataclass
class Catalog:
    """The catalog's repositories, handed to use cases together."""

    regions: Repository[domain.Region]
    masterplans: Repository[domain.Masterplan]
    programs: Repository[domain.Program]
    quick_wins: Repository[domain.QuickWin]
    cycles: Repository[domain.EvaluationCycle]
