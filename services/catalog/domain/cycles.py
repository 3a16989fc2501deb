"""Evaluation cycles: a year's stage for a cohort, with its participating regions."""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Self

from services.catalog.domain import base
from services.contracts import reference
from services.contracts.events.catalog import CycleClosed, CycleOpened
from services.contracts.reference import CycleStage
from services.kernel.aggregate import Aggregate
from services.kernel.errors import Conflict, ProblemCollector

MAX_CYCLE_REGIONS = reference.MAX_CYCLE_REGIONS


class CycleStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(kw_only=True)
class EvaluationCycleFields:
    """What an evaluation cycle is: declared once for its document and GraphQL type."""

    id: str
    year: int
    stage: CycleStage
    cohort: str
    opens_on: dt.date
    closes_on: dt.date
    region_codes: tuple[str, ...]
    status: CycleStatus = CycleStatus.OPEN


@dataclass(kw_only=True)
class EvaluationCycle(Aggregate, EvaluationCycleFields):
    @classmethod
    def open(cls, **values: Any) -> Self:
        cycle = cls(**values)
        problems = ProblemCollector()
        base.check_year(problems, "year", cycle.year)
        problems.check(
            bool(base.COHORT.match(cycle.cohort)), "cohort", "cohort must be a short slug"
        )
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
        cycle.events.append(CycleOpened.of(cycle))
        return cycle

    def close(self) -> None:
        if self.status is CycleStatus.CLOSED:
            raise Conflict(f"cycle {self.id} is already closed", "id")
        self.status = CycleStatus.CLOSED
        self.events.append(CycleClosed.of(self))
