"""Programs of a masterplan and their dated progress history."""

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Self

from services.catalog.domain import base
from services.contracts.events.catalog import ProgramAdded, ProgramUpdated, ProgressReported
from services.contracts.progress import ProgressStage, percent_as_of
from services.contracts.reference import DIMENSION_BY_KEY, SUB_DIMENSIONS_OF
from services.kernel.aggregate import Aggregate
from services.kernel.errors import Conflict, ProblemCollector

MAX_PROGRESS_REPORTS = 120  # a program's monthly reports over ten years; kept in its document


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


@dataclass(frozen=True, kw_only=True)
class ProgressReport:
    id: str
    stage: ProgressStage
    percent: float
    reported_on: dt.date
    note: str = ""
    evidence: tuple[str, ...] = ()
    reported_by: str = ""


@dataclass(kw_only=True)
class ProgramFields:
    """What a program is: declared once for its document and GraphQL type."""

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


@dataclass(kw_only=True)
class Program(Aggregate, ProgramFields):
    progress_reports: list[ProgressReport] = field(default_factory=list)

    EDITABLE = (
        "name", "short_name", "long_name", "description", "dimension", "sub_dimension",
        "agency", "start_year", "target_year", "phase", "funding_sources",
    )  # fmt: skip

    @property
    def planning_percent(self) -> float:
        return percent_as_of(self.progress_reports, ProgressStage.PLANNING)

    @property
    def implementation_percent(self) -> float:
        return percent_as_of(self.progress_reports, ProgressStage.IMPLEMENTATION)

    def validate(self) -> None:
        problems = ProblemCollector()
        problems.text("name", self.name, 200)
        problems.check(len(self.short_name) <= 80, "shortName", "shortName is too long")
        problems.check(len(self.long_name) <= 300, "longName", "longName is too long")
        problems.check(len(self.description) <= 5000, "description", "description is too long")
        problems.text("agency", self.agency, 200)
        if self.dimension not in DIMENSION_BY_KEY:
            known = ", ".join(DIMENSION_BY_KEY)
            problems.add("dimension", f"unknown dimension {self.dimension!r} (one of: {known})")
        elif self.sub_dimension not in SUB_DIMENSIONS_OF[self.dimension]:
            subs = ", ".join(SUB_DIMENSIONS_OF[self.dimension])
            problems.add(
                "subDimension",
                f"{self.sub_dimension!r} is not a sub-dimension of {self.dimension} ({subs})",
            )
        base.check_year(problems, "startYear", self.start_year)
        base.check_year(problems, "targetYear", self.target_year)
        problems.check(
            self.target_year >= self.start_year, "targetYear", "targetYear is before startYear"
        )
        problems.check(
            len(set(self.funding_sources)) == len(self.funding_sources),
            "fundingSources",
            "fundingSources lists a source twice",
        )
        problems.raise_if_any()

    @classmethod
    def add(cls, **values: Any) -> Self:
        program = cls(**values)
        program.validate()
        program.events.append(ProgramAdded.of(program))
        return program

    def update(self, changes: dict[str, Any]) -> None:
        changed = self._apply(changes, self.EDITABLE)
        self.validate()
        if changed:
            self.events.append(ProgramUpdated.of(self, changed=changed))

    def report_progress(self, report: ProgressReport, today: dt.date) -> None:
        problems = ProblemCollector()
        problems.check(0 <= report.percent <= 100, "percent", "percent must be between 0 and 100")
        problems.check(report.reported_on <= today, "reportedOn", "reportedOn is in the future")
        problems.check(len(report.note) <= 2000, "note", "note is too long")
        problems.check(len(report.evidence) <= 20, "evidence", "at most 20 evidence links")
        for index, link in enumerate(report.evidence):
            problems.link(f"evidence[{index}]", link)
        problems.raise_if_any()
        if len(self.progress_reports) >= MAX_PROGRESS_REPORTS:
            raise Conflict(
                f"program {self.id} keeps at most {MAX_PROGRESS_REPORTS} progress reports",
                "programId",
            )
        self.progress_reports.append(report)
        self.events.append(
            ProgressReported.of(
                report, program_id=self.id, region_code=self.region_code, report_id=report.id,
                planning_percent=self.planning_percent,
                implementation_percent=self.implementation_percent,
            )
        )  # fmt: skip
