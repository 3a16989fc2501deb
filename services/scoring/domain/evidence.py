"""Everything one region's scorecard for one cycle is computed from, as scoring's projection
of catalog and survey events holds it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from services.contracts.progress import ProgressPoint, ProgressStage, percent_as_of
from services.contracts.reference import CycleStage


@dataclass(frozen=True)
class Question:
    code: str
    evaluation_dimension: str | None
    smart_dimension: str | None = None
    sub_dimension: str | None = None
    answer_min: int = 0
    answer_max: int = 4


@dataclass(frozen=True)
class Program:
    program_id: str
    name: str
    dimension: str
    sub_dimension: str
    phase: str
    start_year: int
    target_year: int
    planning_percent: float
    implementation_percent: float
    progress: tuple[ProgressPoint, ...] = ()
    quick_win_years: tuple[int, ...] = ()
    quick_win_decision: str = ""

    def planning_percent_on(self, day: dt.date) -> float:
        """Planning progress as reported by `day` (the latest report on or before it)."""
        return percent_as_of(self.progress, ProgressStage.PLANNING, day)


@dataclass(frozen=True)
class RegionFacts:
    """A region as scoring keeps it: the part of the catalog's `RegionState` it reads."""

    code: str
    name: str = ""
    cohort: str = ""
    province: str = ""
    kind: str = ""


@dataclass(frozen=True)
class CycleFacts:
    """A cycle as scoring keeps it: the part of the catalog's `CycleState` it reads."""

    id: str
    year: int
    cohort: str = ""
    stage: CycleStage | None = None


@dataclass(frozen=True)
class Evidence:
    region: RegionFacts
    cycle: CycleFacts
    questions: dict[str, Question]
    assessor_scores: dict[str, dict[str, int]] = field(default_factory=dict)
    citizen_answers: dict[str, tuple[int, int]] = field(default_factory=dict)  # code -> (sum, n)
    # code -> (lowest, highest answer) of the citizens' own questions, which need not be the
    # assessors' 0-4: the 2023 survey asks 1-4
    citizen_scales: dict[str, tuple[int, int]] = field(default_factory=dict)
    citizen_respondents: dict[str, int] = field(default_factory=dict)  # sub-dimension -> n
    citizen_target: int = 50
    programs: tuple[Program, ...] = ()
    previous_final: float | None = None  # the region's latest earlier final, as shown
    previous_unrounded: float | None = None  # and before its rounding

    @property
    def year(self) -> int:
        return self.cycle.year

    @property
    def cohort(self) -> str:
        return self.cycle.cohort or self.region.cohort
