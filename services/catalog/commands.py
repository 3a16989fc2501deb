"""What callers ask the catalog to do, as plain data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from services.catalog import domain


@dataclass(frozen=True)
class CreateRegion:
    code: str
    name: str
    kind: domain.RegionKind
    province: str
    cohort: str
    area_km2: float | None = None
    vision: str = ""


@dataclass(frozen=True)
class UpdateRegion:
    code: str
    changes: dict[str, Any]


@dataclass(frozen=True)
class CreateMasterplan:
    region_code: str
    period_start: int
    period_end: int
    title: str
    legal_basis: str = ""
    status: domain.MasterplanStatus = domain.MasterplanStatus.ACTIVE


@dataclass(frozen=True)
class AddProgram:
    masterplan_id: str
    name: str
    dimension: str
    sub_dimension: str
    agency: str
    start_year: int
    target_year: int
    short_name: str = ""
    long_name: str = ""
    description: str = ""
    phase: domain.ProgramPhase = domain.ProgramPhase.PLANNING
    funding_sources: tuple[domain.FundingSource, ...] = ()


@dataclass(frozen=True)
class UpdateProgram:
    id: str
    changes: dict[str, Any]


@dataclass(frozen=True)
class ReportProgress:
    program_id: str
    stage: domain.ProgressStage
    percent: float
    reported_on: dt.date
    note: str = ""
    evidence: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ProposeQuickWin:
    program_id: str
    year: int
    rationale: str = ""


@dataclass(frozen=True)
class DecideQuickWin:
    id: str
    decision: domain.QuickWinStatus
    reason: str = ""


@dataclass(frozen=True)
class CreateEvaluationCycle:
    year: int
    stage: domain.CycleStage
    cohort: str
    opens_on: dt.date
    closes_on: dt.date
    region_codes: tuple[str, ...]


@dataclass(frozen=True)
class CloseEvaluationCycle:
    id: str
