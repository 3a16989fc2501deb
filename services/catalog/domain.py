"""The catalog's aggregates: regions, masterplans, programs, quick wins, evaluation cycles."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from services.catalog import dimensions
from services.catalog import events as ev
from services.kernel.errors import Conflict, ProblemCollector
from services.kernel.events import Event

REGION_CODE = re.compile(r"^\d{2}\.\d{2}$")
COHORT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_CYCLE_REGIONS = 600  # all 514 regencies and cities, with room to spare


class RegionKind(StrEnum):
    KABUPATEN = "kabupaten"
    KOTA = "kota"


class MasterplanStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


class ProgramPhase(StrEnum):
    PLANNING = "planning"
    IMPLEMENTATION = "implementation"
    OPERATION = "operation"
    COMPLETED = "completed"


class FundingSource(StrEnum):
    APBD = "apbd"
    APBN = "apbn"
    PRIVATE = "private"
    COMMUNITY = "community"
    OTHER = "other"


class ProgressStage(StrEnum):
    PLANNING = "planning"
    IMPLEMENTATION = "implementation"


class QuickWinStatus(StrEnum):
    PROPOSED = "proposed"
    SELECTED = "selected"
    REJECTED = "rejected"


class CycleStage(StrEnum):
    TAHAP_1 = "tahap_1"
    TAHAP_2 = "tahap_2"
    FIELD = "field"


class CycleStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


def _check_text(problems: ProblemCollector, name: str, value: str, limit: int = 300) -> None:
    problems.check(bool(value.strip()), name, f"{name} must not be empty")
    problems.check(len(value) <= limit, name, f"{name} is longer than {limit} characters")


def _check_year(problems: ProblemCollector, name: str, year: int) -> None:
    problems.check(
        FIRST_YEAR <= year <= LAST_YEAR, name, f"{name} must be {FIRST_YEAR}-{LAST_YEAR}"
    )


def _check_link(problems: ProblemCollector, name: str, link: str) -> None:
    ok = re.match(r"^https?://[^\s/$.?#].[^\s]*$", link) is not None and len(link) <= 2000
    problems.check(ok, name, f"{name} must be an http(s) URL")


@dataclass(kw_only=True)
class Aggregate:
    version: int = 0
    events: list[Event] = field(default_factory=list, compare=False, repr=False)

    def _apply(self, changes: dict[str, Any], editable: tuple[str, ...]) -> tuple[str, ...]:
        """Sets the editable fields that differ and says which they were."""
        changed = tuple(k for k in editable if k in changes and changes[k] != getattr(self, k))
        for name in changed:
            setattr(self, name, changes[name])
        return changed

    def state(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name not in ("version", "events")
        }


@dataclass(kw_only=True)
class Region(Aggregate):
    code: str
    name: str
    kind: RegionKind
    province: str
    cohort: str
    area_km2: float | None = None
    vision: str = ""

    EDITABLE = ("name", "kind", "province", "cohort", "area_km2", "vision")

    def validate(self) -> None:
        problems = ProblemCollector()
        problems.check(bool(REGION_CODE.match(self.code)), "code", "code must look like 12.07")
        _check_text(problems, "name", self.name, 120)
        _check_text(problems, "province", self.province, 120)
        problems.check(bool(COHORT.match(self.cohort)), "cohort", "cohort must be a short slug")
        if self.area_km2 is not None:
            problems.check(0 < self.area_km2 < 1e6, "areaKm2", "areaKm2 must be positive")
        problems.check(len(self.vision) <= 2000, "vision", "vision is too long")
        problems.raise_if_any()

    @classmethod
    def register(cls, **values: Any) -> Region:
        region = cls(**values)
        region.validate()
        region.events.append(ev.RegionRegistered(**region.state()))
        return region

    def update(self, changes: dict[str, Any]) -> None:
        changed = self._apply(changes, self.EDITABLE)
        self.validate()
        if changed:
            self.events.append(ev.RegionUpdated(**self.state(), changed=changed))


@dataclass(kw_only=True)
class Masterplan(Aggregate):
    id: str
    region_code: str
    period_start: int
    period_end: int
    title: str
    legal_basis: str = ""
    status: MasterplanStatus = MasterplanStatus.ACTIVE

    @classmethod
    def create(cls, **values: Any) -> Masterplan:
        plan = cls(**values)
        problems = ProblemCollector()
        _check_text(problems, "title", plan.title)
        _check_year(problems, "periodStart", plan.period_start)
        _check_year(problems, "periodEnd", plan.period_end)
        problems.check(
            plan.period_end >= plan.period_start, "periodEnd", "periodEnd is before periodStart"
        )
        problems.raise_if_any()
        plan.events.append(ev.MasterplanCreated(**plan.state()))
        return plan


@dataclass(frozen=True, kw_only=True)
class ProgressReport:
    id: str
    stage: ProgressStage
    percent: float
    reported_on: dt.date
    note: str = ""
    evidence: tuple[str, ...] = ()
    reported_by: str = ""


def _latest_percent(reports: list[ProgressReport], stage: ProgressStage) -> float:
    """Current progress of a stage: its report with the latest date (later-recorded wins ties)."""
    of_stage = [r for r in reports if r.stage is stage]
    if not of_stage:
        return 0.0
    return max(enumerate(of_stage), key=lambda pair: (pair[1].reported_on, pair[0]))[1].percent


@dataclass(kw_only=True)
class Program(Aggregate):
    id: str
    masterplan_id: str
    region_code: str
    name: str
    short_name: str = ""
    long_name: str = ""
    description: str = ""
    dimension: str
    sub_dimension: str
    agency: str
    start_year: int
    target_year: int
    phase: ProgramPhase = ProgramPhase.PLANNING
    funding_sources: tuple[FundingSource, ...] = ()
    progress_reports: list[ProgressReport] = field(default_factory=list)

    EDITABLE = (
        "name", "short_name", "long_name", "description", "dimension", "sub_dimension",
        "agency", "start_year", "target_year", "phase", "funding_sources",
    )  # fmt: skip

    @property
    def planning_percent(self) -> float:
        return _latest_percent(self.progress_reports, ProgressStage.PLANNING)

    @property
    def implementation_percent(self) -> float:
        return _latest_percent(self.progress_reports, ProgressStage.IMPLEMENTATION)

    def validate(self) -> None:
        problems = ProblemCollector()
        _check_text(problems, "name", self.name, 200)
        problems.check(len(self.short_name) <= 80, "shortName", "shortName is too long")
        problems.check(len(self.long_name) <= 300, "longName", "longName is too long")
        problems.check(len(self.description) <= 5000, "description", "description is too long")
        _check_text(problems, "agency", self.agency, 200)
        if self.dimension not in dimensions.BY_KEY:
            known = ", ".join(dimensions.BY_KEY)
            problems.add("dimension", f"unknown dimension {self.dimension!r} (one of: {known})")
        elif self.sub_dimension not in dimensions.sub_dimension_keys(self.dimension):
            subs = ", ".join(dimensions.sub_dimension_keys(self.dimension))
            problems.add(
                "subDimension",
                f"{self.sub_dimension!r} is not a sub-dimension of {self.dimension} ({subs})",
            )
        _check_year(problems, "startYear", self.start_year)
        _check_year(problems, "targetYear", self.target_year)
        problems.check(
            self.target_year >= self.start_year, "targetYear", "targetYear is before startYear"
        )
        problems.check(
            len(set(self.funding_sources)) == len(self.funding_sources),
            "fundingSources",
            "fundingSources lists a source twice",
        )
        problems.raise_if_any()

    def _snapshot(self) -> dict[str, Any]:
        state = self.state()
        del state["progress_reports"]
        state["funding_sources"] = tuple(self.funding_sources)
        state["planning_percent"] = self.planning_percent
        state["implementation_percent"] = self.implementation_percent
        return state

    @classmethod
    def add(cls, **values: Any) -> Program:
        program = cls(**values)
        program.validate()
        program.events.append(ev.ProgramAdded(**program._snapshot()))
        return program

    def update(self, changes: dict[str, Any]) -> None:
        changed = self._apply(changes, self.EDITABLE)
        self.validate()
        if changed:
            self.events.append(ev.ProgramUpdated(**self._snapshot(), changed=changed))

    def report_progress(self, report: ProgressReport, today: dt.date) -> None:
        problems = ProblemCollector()
        problems.check(0 <= report.percent <= 100, "percent", "percent must be between 0 and 100")
        problems.check(report.reported_on <= today, "reportedOn", "reportedOn is in the future")
        problems.check(len(report.note) <= 2000, "note", "note is too long")
        problems.check(len(report.evidence) <= 20, "evidence", "at most 20 evidence links")
        for index, link in enumerate(report.evidence):
            _check_link(problems, f"evidence[{index}]", link)
        problems.raise_if_any()
        self.progress_reports.append(report)
        self.events.append(
            ev.ProgressReported(
                program_id=self.id,
                region_code=self.region_code,
                report_id=report.id,
                stage=report.stage.value,
                percent=report.percent,
                reported_on=report.reported_on.isoformat(),
                note=report.note,
                evidence=report.evidence,
                planning_percent=self.planning_percent,
                implementation_percent=self.implementation_percent,
            )
        )


@dataclass(kw_only=True)
class QuickWin(Aggregate):
    id: str
    region_code: str
    program_id: str
    year: int
    rationale: str = ""
    status: QuickWinStatus = QuickWinStatus.PROPOSED
    reason: str = ""
    proposed_by: str = ""
    decided_by: str = ""

    @classmethod
    def propose(cls, **values: Any) -> QuickWin:
        proposal = cls(**values)
        problems = ProblemCollector()
        _check_year(problems, "year", proposal.year)
        problems.check(len(proposal.rationale) <= 2000, "rationale", "rationale is too long")
        problems.raise_if_any()
        proposal.events.append(
            ev.QuickWinProposed(
                id=proposal.id,
                region_code=proposal.region_code,
                program_id=proposal.program_id,
                year=proposal.year,
                rationale=proposal.rationale,
            )
        )
        return proposal

    def decide(self, decision: QuickWinStatus, reason: str, decided_by: str) -> None:
        problems = ProblemCollector()
        problems.check(
            decision is not QuickWinStatus.PROPOSED, "decision", "decide selected or rejected"
        )
        problems.check(
            decision is not QuickWinStatus.REJECTED or bool(reason.strip()),
            "reason",
            "a rejection needs a reason",
        )
        problems.raise_if_any()
        if self.status is not QuickWinStatus.PROPOSED:
            raise Conflict(f"quick win {self.id} was already {self.status}", "id")
        self.status, self.reason, self.decided_by = decision, reason, decided_by
        self.events.append(
            ev.QuickWinDecided(
                id=self.id,
                region_code=self.region_code,
                program_id=self.program_id,
                year=self.year,
                decision=decision.value,
                reason=reason,
                decided_by=decided_by,
            )
        )


@dataclass(kw_only=True)
class EvaluationCycle(Aggregate):
    id: str
    year: int
    stage: CycleStage
    cohort: str
    opens_on: dt.date
    closes_on: dt.date
    region_codes: tuple[str, ...]
    status: CycleStatus = CycleStatus.OPEN

    def _event_fields(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "year": self.year,
            "stage": self.stage.value,
            "cohort": self.cohort,
            "opens_on": self.opens_on.isoformat(),
            "closes_on": self.closes_on.isoformat(),
            "region_codes": self.region_codes,
        }

    @classmethod
    def open(cls, **values: Any) -> EvaluationCycle:
        cycle = cls(**values)
        problems = ProblemCollector()
        _check_year(problems, "year", cycle.year)
        problems.check(bool(COHORT.match(cycle.cohort)), "cohort", "cohort must be a short slug")
        problems.check(cycle.closes_on >= cycle.opens_on, "closesOn", "closesOn is before opensOn")
        problems.check(bool(cycle.region_codes), "regionCodes", "a cycle needs at least one region")
        problems.check(
            len(cycle.region_codes) <= MAX_CYCLE_REGIONS,
            "regionCodes",
            f"a cycle holds at most {MAX_CYCLE_REGIONS} regions",
        )
        problems.check(
            len(set(cycle.region_codes)) == len(cycle.region_codes),
            "regionCodes",
            "regionCodes lists a region twice",
        )
        problems.raise_if_any()
        cycle.events.append(ev.CycleOpened(**cycle._event_fields()))
        return cycle

    def close(self) -> None:
        if self.status is CycleStatus.CLOSED:
            raise Conflict(f"cycle {self.id} is already closed", "id")
        self.status = CycleStatus.CLOSED
        self.events.append(ev.CycleClosed(**self._event_fields()))
