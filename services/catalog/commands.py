"""What callers ask the catalog to do, as plain data.

A command is also the declaration of its GraphQL input: each input in `schema/inputs.py`
subclasses its command, restating only what GraphQL shows differently (an `ID`, a list).
Annotations here are evaluated (no `from __future__ import annotations`), so GraphQL reads
them as types wherever the subclass lives.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from services.catalog import domain
from services.catalog.domain.regions import RegionFields


@dataclass(kw_only=True)
class CreateRegion(RegionFields):
    """A region to register: every field a region has."""


@dataclass(frozen=True)
class Update:
    """Fields of one aggregate to change: its key, and each field named with its new value."""

    key: str
    changes: dict[str, Any]


@dataclass
class CreateMasterplan:
    region_code: str
    period_start: int
    period_end: int
    title: str
    legal_basis: str = ""
    status: domain.MasterplanStatus = domain.MasterplanStatus.ACTIVE


@dataclass(kw_only=True)
class ProgramRow:
    """A program as a sheet gives it: all but the masterplan it goes into."""

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
    funding_sources: Sequence[domain.FundingSource] = ()


@dataclass(kw_only=True)
class AddProgram(ProgramRow):
    masterplan_id: str


@dataclass
class ImportPrograms:
    """A sheet's programs, all going into one masterplan."""

    masterplan_id: str
    programs: Sequence[ProgramRow]
    dry_run: bool = False


@dataclass
class ReportProgress:
    program_id: str
    stage: domain.ProgressStage
    percent: float
    reported_on: dt.date
    note: str = ""
    evidence: Sequence[str] = ()


@dataclass
class ProposeQuickWin:
    program_id: str
    year: int
    rationale: str = ""


@dataclass
class DecideQuickWin:
    id: str
    decision: domain.QuickWinStatus
    reason: str = ""


@dataclass
class CreateEvaluationCycle:
    year: int
    stage: domain.CycleStage
    cohort: str
    opens_on: dt.date
    closes_on: dt.date
    region_codes: Sequence[str]


@dataclass(frozen=True)
class CloseEvaluationCycle:
    id: str
