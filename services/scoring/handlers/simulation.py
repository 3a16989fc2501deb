"""A draft rule set evaluated against current data for a cycle, compared with the scorecards."""

from __future__ import annotations

from dataclasses import dataclass

from services.kernel import errors
from services.kernel.auth import Principal
from services.kernel.clock import utc_now
from services.kernel.repository import require
from services.scoring.domain import rulesets
from services.scoring.domain.ranking import ranks
from services.scoring.domain.rules import Problem
from services.scoring.domain.scorecards import Source
from services.scoring.handlers.rulesets import require_admin
from services.scoring.handlers.scorer import Computed, Scorer


@dataclass(frozen=True)
class RegionChange:
    region_code: str
    old_final: float | None
    new_final: float | None
    old_rank: int | None
    new_rank: int | None
    newly_firing: tuple[str, ...]
    no_longer_firing: tuple[str, ...]
    failure: str | None = None

    @property
    def change(self) -> float:
        if self.old_final is None or self.new_final is None:
            return 0.0
        return round(self.new_final - self.old_final, 4)

    @property
    def rank_change(self) -> int:
        if self.old_rank is None or self.new_rank is None:
            return 0
        return self.old_rank - self.new_rank


async def simulate(
    number: int, cycle_id: str, principal: Principal, scorer: Scorer
) -> list[RegionChange]:
    require_admin(principal)
    ruleset = await require(scorer.scoring.rulesets, rulesets.ruleset_id(number), "rule set", "id")
    if not ruleset.is_valid:
        raise errors.BadUserInput(f"rule set {ruleset.id} has problems; fix them first", "id")
    pairs = await _pairs(scorer, cycle_id)
    computed, _ = await scorer.compute(await scorer.load(ruleset), pairs)
    return await _compared(scorer, cycle_id, computed)


async def simulate_document(
    text: str, cycle_id: str, principal: Principal, scorer: Scorer
) -> tuple[list[Problem], list[RegionChange]]:
    """A document simulated as a version would be, storing nothing: its problems, or what
    it would change."""
    require_admin(principal)
    ruleset = rulesets.RuleSet.unsaved(text, principal.subject, utc_now())
    if not ruleset.is_valid:
        return list(ruleset.problems), []
    computed, _ = await scorer.compute_once(ruleset, await _pairs(scorer, cycle_id))
    return [], await _compared(scorer, cycle_id, computed)


async def _pairs(scorer: Scorer, cycle_id: str) -> list[tuple[str, str]]:
    pairs = [p for p in await scorer.scoring.facts.pairs() if p[1] == cycle_id]
    if not pairs:
        raise errors.NotFound(f"no regions are known for cycle {cycle_id}", "cycleId")
    return pairs


async def _compared(scorer: Scorer, cycle_id: str, computed: list[Computed]) -> list[RegionChange]:
    current = {
        c.region_code: c
        for c in await scorer.scoring.scorecards.of_cycle(cycle_id)
        if c.source is Source.COMPUTED  # a published result is the record: no rule moves it
    }
    new = {c.evidence.region.code: c for c in computed}
    old_ranks = ranks({code: c.content.final_index for code, c in current.items()})
    new_ranks = ranks({code: c.content.final_index for code, c in new.items()})
    changes = []
    for code in sorted(set(current) | set(new)):
        before, after = current.get(code), new.get(code)
        old_rules = {f.rule_id for f in before.content.explanation} if before else set()
        new_rules = set(after.fired_rules) if after else set()
        changes.append(
            RegionChange(
                region_code=code,
                old_final=before.content.final_index if before else None,
                new_final=after.content.final_index if after else None,
                old_rank=old_ranks.get(code),
                new_rank=new_ranks.get(code),
                newly_firing=tuple(sorted(new_rules - old_rules)),
                no_longer_firing=tuple(sorted(old_rules - new_rules)),
                failure=after.content.failure if after else None,
            )
        )
    return sorted(changes, key=lambda c: (-abs(c.change), -abs(c.rank_change), c.region_code))
