"""What scoring's use cases ask of storage."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from services.kernel.repository import Repository
from services.scoring.domain.evidence import Evidence
from services.scoring.domain.letters import LetterFacts
from services.scoring.domain.ranking import CycleRanking
from services.scoring.domain.rulesets import ActiveRuleSet, RuleSet
from services.scoring.domain.scorecards import Scorecard

CycleIndex = dict[str, tuple[int, frozenset[str]]]  # cycle id -> (year, region codes)


class Scorecards(Repository[Scorecard], Protocol):
    """`of_cycle` and `of_regions` give scorecards to read, never to change: they may be
    shared between requests."""

    async def of_cycle(self, cycle_id: str) -> list[Scorecard]: ...
    async def of_regions(self, region_codes: list[str]) -> list[Scorecard]: ...
    async def scored_cycles(self) -> list[str]: ...
    async def keep_revision(self, scorecard: Scorecard) -> None: ...
    async def revisions(self, scorecard_id: str) -> list[dict[str, Any]]: ...


class RuleSets(Repository[RuleSet], Protocol):
    async def newest_number(self) -> int: ...
    async def newest(self, first: int) -> list[RuleSet]: ...


class Rankings(Protocol):
    """Each cycle's ranking, computed when its scorecards change and kept."""

    async def of_cycles(self, cycle_ids: list[str]) -> dict[str, CycleRanking]: ...
    async def recompute(self, cycle_ids: Iterable[str]) -> None: ...


class Audit(Protocol):
    async def record(self, entry: dict[str, Any]) -> None: ...
    async def entries(self, number: int | None, latest: int) -> list[dict[str, Any]]: ...


class Facts(Protocol):
    """What scoring learnt from catalog and survey events, as its use cases read it."""

    async def evidence_of(self, region_code: str, cycle_id: str) -> Evidence | None: ...
    async def evidences_of(
        self, pairs: list[tuple[str, str]]
    ) -> dict[tuple[str, str], Evidence | None]: ...
    async def letter_facts(self, region_code: str, cycle_id: str) -> LetterFacts | None: ...
    async def closed_cycles(self, cycle_ids: list[str]) -> set[str]: ...
    async def cycle_index(self) -> CycleIndex: ...
    async def pairs(self, after_year: int | None = None) -> list[tuple[str, str]]: ...


@dataclass
class Scoring:
    rulesets: RuleSets
    active: Repository[ActiveRuleSet]
    scorecards: Scorecards
    rankings: Rankings
    audit: Audit
    facts: Facts
