"""What the catalog publishes: each event carries the entity's state after the change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from services.contracts.progress import ProgressStage
from services.contracts.reference import CycleStage
from services.kernel.events import Event


@dataclass(frozen=True)
class RegionState:
    """A region as the catalog publishes it, after a change."""

    code: str
    name: str
    kind: str
    province: str
    cohort: str
    area_km2: float | None
    vision: str


@dataclass(frozen=True)
class RegionRegistered(Event, RegionState):
    subject: ClassVar[str] = "smartcity.catalog.region.registered"
    key_field: ClassVar[str] = "code"


@dataclass(frozen=True)
class RegionUpdated(Event, RegionState):
    subject: ClassVar[str] = "smartcity.catalog.region.updated"
    key_field: ClassVar[str] = "code"
    changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class MasterplanCreated(Event):
    subject: ClassVar[str] = "smartcity.catalog.masterplan.created"
    key_field: ClassVar[str] = "id"
    id: str
    region_code: str
    period_start: int
    period_end: int
    title: str
    legal_basis: str
    status: str


@dataclass(frozen=True)
class ProgramState:
    """A program as the catalog publishes it, after a change."""

    id: str
    masterplan_id: str
    region_code: str
    name: str
    short_name: str
    long_name: str
    description: str
    dimension: str
    sub_dimension: str
    agency: str
    start_year: int
    target_year: int
    phase: str
    funding_sources: tuple[str, ...]
    planning_percent: float
    implementation_percent: float


@dataclass(frozen=True)
class ProgramAdded(Event, ProgramState):
    subject: ClassVar[str] = "smartcity.catalog.program.added"
    key_field: ClassVar[str] = "id"


@dataclass(frozen=True)
class ProgramUpdated(Event, ProgramState):
    subject: ClassVar[str] = "smartcity.catalog.program.updated"
    key_field: ClassVar[str] = "id"
    changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProgressReported(Event):
    subject: ClassVar[str] = "smartcity.catalog.progress.reported"
    key_field: ClassVar[str] = "program_id"
    program_id: str
    region_code: str
    report_id: str
    stage: ProgressStage
    percent: float
    reported_on: str
    note: str
    evidence: tuple[str, ...]
    planning_percent: float
    implementation_percent: float


@dataclass(frozen=True)
class QuickWinProposed(Event):
    subject: ClassVar[str] = "smartcity.catalog.quickwin.proposed"
    key_field: ClassVar[str] = "id"
    id: str
    region_code: str
    program_id: str
    year: int
    rationale: str


@dataclass(frozen=True)
class QuickWinDecided(Event):
    subject: ClassVar[str] = "smartcity.catalog.quickwin.decided"
    key_field: ClassVar[str] = "id"
    id: str
    region_code: str
    program_id: str
    year: int
    decision: str
    reason: str
    decided_by: str


@dataclass(frozen=True)
class CycleState:
    """An evaluation cycle as the catalog publishes it, after a change."""

    id: str
    year: int
    stage: CycleStage
    cohort: str
    opens_on: str
    closes_on: str
    region_codes: tuple[str, ...]


@dataclass(frozen=True)
class CycleOpened(Event, CycleState):
    subject: ClassVar[str] = "smartcity.catalog.cycle.opened"
    key_field: ClassVar[str] = "id"


@dataclass(frozen=True)
class CycleClosed(Event, CycleState):
    subject: ClassVar[str] = "smartcity.catalog.cycle.closed"
    key_field: ClassVar[str] = "id"
