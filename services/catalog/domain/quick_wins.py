"""Quick wins: a region's proposal of a program for a year, and the decision on it."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Self

from services.catalog.domain import base
from services.contracts.events.catalog import QuickWinDecided, QuickWinProposed
from services.kernel.aggregate import Aggregate
from services.kernel.errors import Conflict, ProblemCollector


class QuickWinStatus(StrEnum):
    PROPOSED = "proposed"
    SELECTED = "selected"
    REJECTED = "rejected"


@dataclass(kw_only=True)
class QuickWinFields:
    """What a quick win is: declared once for its document and GraphQL type."""

    id: str
    region_code: str
    program_id: str
    year: int
    rationale: str = ""
    status: QuickWinStatus = QuickWinStatus.PROPOSED
    reason: str = ""
    proposed_by: str = ""
    decided_by: str = ""


@dataclass(kw_only=True)
class QuickWin(Aggregate, QuickWinFields):
    @classmethod
    def propose(cls, **values: Any) -> Self:
        proposal = cls(**values)
        problems = ProblemCollector()
        base.check_year(problems, "year", proposal.year)
        problems.check(len(proposal.rationale) <= 2000, "rationale", "rationale is too long")
        problems.raise_if_any()
        proposal.events.append(QuickWinProposed.of(proposal))
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
        self.events.append(QuickWinDecided.of(self, decision=decision.value))
