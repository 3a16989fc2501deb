"""A region's improvement plan: each change its evidence allows, tried by scoring it under a
rule set as scoring would (the methodology, then the rules in the workers), and the fewest
of them that reach a target.

Who may ask: admins and ministries of any region; a region's operator of its own; an
assessor of a region whose evidence holds their scores (or whose token names the region).
What it costs is bounded before it starts: at most MAX_CANDIDATES changes are tried, a plan
scores at most `Limits.evaluations` states, and a request stops trying once its time budget
is spent, saying so. Answers are kept (up to KEPT_BYTES, by what each may hold) by rule set
version, the evidence they started from and the cycle's standings, so a question asked again
costs a read.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field

from services.kernel import errors
from services.kernel.auth import Principal, Role
from services.kernel.lru import LruCache
from services.kernel.repository import require
from services.scoring.domain import rulesets
from services.scoring.domain.assessment import NoWeights
from services.scoring.domain.changes import Change, changes_of, with_item_scores
from services.scoring.domain.evidence import CycleFacts, Evidence, RegionFacts
from services.scoring.domain.planning import (
    Ending,
    Limits,
    Others,
    OutOfBudget,
    Plan,
    Standing,
    Target,
    Tried,
    plan_to,
)
from services.scoring.engine import whole
from services.scoring.handlers.scorer import Loaded, RescoreReport, Scorer

MAX_CANDIDATES = 250  # changes tried for one request; the answer says how many there were
MAX_WHAT_IF = 500  # hypothetical item scores in one request
CHUNK = 128  # states scored between two looks at the clock, spread over the workers
ANSWERING_SECONDS = 2.0  # of the request's deadline, kept for answering once planning stops
KEPT_BYTES = 32 * 1024 * 1024  # sessions kept, by rule set version, evidence and standings
BYTES_PER_EVIDENCE_CHARACTER = 8  # what a session's evidence holds in Python, per JSON character
CANDIDATE_BYTES = 2_000  # a tried change, its standing and the rules it moved


@dataclass(frozen=True)
class Candidate:
    change: Change
    standing: Standing
    newly_firing: tuple[str, ...]
    no_longer_firing: tuple[str, ...]

    @classmethod
    def of(cls, change: Change, after: Standing, fired_before: frozenset[str]) -> Candidate:
        newly, no_longer = after.rules_fired - fired_before, fired_before - after.rules_fired
        return cls(change, after, tuple(sorted(newly)), tuple(sorted(no_longer)))


@dataclass
class Session:
    """One region's evidence in one cycle under one rule set, and what was tried on it."""

    region_code: str
    cycle_id: str
    loaded: Loaded
    evidence: Evidence
    others: Others
    standing: Standing
    deadline: float
    weight: int = 0  # the most it holds once its changes are tried, in bytes
    _candidates: tuple[Candidate, ...] | None = None
    _candidates_by: float = 0.0  # the deadline they were tried under, while incomplete
    _plans: dict[str, Plan] = field(default_factory=dict)  # those that ran to their end
    _changes: list[Change] | None = None  # every change the evidence allows, once worked out
    complete: bool = True  # every candidate tried within the budget

    @property
    def changes(self) -> list[Change]:
        """Every change the evidence allows under the session's rule set (worked out once:
        the rules' own changes assess the evidence)."""
        if self._changes is None:
            definition = self.loaded.definition
            self._changes = changes_of(self.evidence, definition.methodology, definition.rules)
        return self._changes

    @property
    def ruleset_version(self) -> int:
        return self.loaded.ruleset.number


def budget_within(request_deadline_seconds: float) -> float:
    """The time a request may spend scoring changes, within the deadline of the request
    (`SMARTCITY_REQUEST_DEADLINE_SECONDS`): 8 s of the default 10."""
    return max(1.0, request_deadline_seconds - ANSWERING_SECONDS)


class Planner:
    def __init__(self, scorer: Scorer, budget_seconds: float) -> None:
        self.scorer = scorer
        self.budget_seconds = budget_seconds
        self._kept: LruCache[str, Session] = LruCache(KEPT_BYTES, lambda _, s: s.weight)

    async def session(
        self,
        principal: Principal,
        region_code: str,
        cycle_id: str | None,
        ruleset_number: int | None,
        scores: dict[str, int] | None = None,
    ) -> Session:
        """The region's evidence in the cycle (its latest scored cycle when none is named),
        with the item scores of a what-if, scored under the rule set named or the active one."""
        if len(scores or {}) > MAX_WHAT_IF:
            raise errors.BadUserInput(f"at most {MAX_WHAT_IF} item scores", "scores")
        principal.require_role(*Role)
        _require_reader(principal, region_code, _UNREAD)
        cycle_id = cycle_id or await self._latest_cycle(principal, region_code)
        evidence = await self.scorer.evidence_of(region_code, cycle_id)
        _require_reader(principal, region_code, evidence)
        if evidence is None:
            raise errors.NotFound(f"no evidence of {region_code} in cycle {cycle_id}", "cycleId")
        loaded = await self._ruleset(ruleset_number)
        if scores:
            evidence = with_item_scores(evidence, _checked(scores, evidence, loaded))
        others = await self.scorer.scoring.scorecards.of_cycle(cycle_id)
        standings = sorted((c.region_code, c.cohort, c.content.final_index) for c in others)
        key, characters = _key(loaded, evidence, standings)
        if (kept := self._kept.get(key)) is not None:
            kept.deadline = time.monotonic() + self.budget_seconds  # this request's
            return kept
        around = Others.of(region_code, evidence.cohort, standings)
        session = Session(region_code, cycle_id, loaded, evidence, around,
                          Standing(0.0, None, 0, 0, frozenset()),
                          time.monotonic() + self.budget_seconds,
                          weight=BYTES_PER_EVIDENCE_CHARACTER * characters
                          + CANDIDATE_BYTES * MAX_CANDIDATES)  # fmt: skip
        [session.standing] = await self._scored(session, [evidence])
        if session.standing.failure:
            raise errors.Conflict(f"the evidence could not be scored: {session.standing.failure}")
        return self._kept.put(key, session)

    @staticmethod
    def considered(session: Session) -> int:
        """How many changes the evidence allows."""
        return len(session.changes)

    async def candidates(self, session: Session) -> tuple[Candidate, ...]:
        """Every change tried (the first MAX_CANDIDATES, within the budget), worth most first;
        those a budget cut short are tried again by a later request."""
        if session._candidates is not None and (
            session.complete or session._candidates_by == session.deadline
        ):
            return session._candidates
        session.complete = True
        changes = session.changes[:MAX_CANDIDATES]
        standings: list[Standing] = []
        for start in range(0, len(changes), CHUNK):
            if time.monotonic() > session.deadline:
                session.complete = False
                break
            standings += await self._tried(
                session, session.evidence, changes[start : start + CHUNK]
            )
        session.complete = session.complete and len(standings) == len(changes)
        session.complete = session.complete and self.considered(session) <= MAX_CANDIDATES
        before = session.standing.rules_fired
        found = [
            Candidate.of(change, after, before)
            for change, after in zip(changes, standings, strict=False)
        ]
        found.sort(key=lambda c: (-c.standing.final_index, c.standing.rank_in_cohort,
                                  c.change.key))  # fmt: skip
        session._candidates, session._candidates_by = tuple(found), session.deadline
        return session._candidates

    async def plan(self, session: Session, target: Target) -> Plan:
        if (kept := session._plans.get(str(target))) is not None:
            return kept
        tried = [Tried(c.change, c.standing) for c in await self.candidates(session)]

        async def evaluate(evidence: Evidence, tried: list[Change]) -> list[Standing]:
            if time.monotonic() > session.deadline:
                raise OutOfBudget
            return await self._tried(session, evidence, tried)

        definition = session.loaded.definition
        found = await plan_to(target, session.evidence, session.standing, tried,
                              definition.methodology, evaluate, Limits(),
                              definition.rules)  # fmt: skip
        if found.ending is not Ending.BUDGET:
            session._plans[str(target)] = found
        return found

    async def _scored(self, session: Session, evidences: list[Evidence]) -> list[Standing]:
        computed = await self.scorer.score_evidences_whole(
            session.loaded, evidences, RescoreReport()
        )
        if len(computed) != len(evidences):
            raise _unweighted()
        return [
            _standing(session, whole.WhatIf(c.content.final_index, c.content.grade,
                                            c.fired_rules, c.content.failure))
            for c in computed
        ]  # fmt: skip

    async def _tried(self, session: Session, base: Evidence, tried: list[Change]) -> list[Standing]:
        """What the evidence scores once each change is made."""
        try:
            found = await self.scorer.score_changes_whole(session.loaded, base, tried)
        except NoWeights:
            raise _unweighted() from None
        return [_standing(session, what_if) for what_if in found]

    async def _latest_cycle(self, principal: Principal, region_code: str) -> str:
        cards = await self.scorer.scoring.scorecards.of_regions([region_code])
        if not cards:
            _require_reader(principal, region_code, None)  # nothing told to an outsider
            raise errors.NotFound(f"{region_code} has no scorecard yet; name a cycle", "cycleId")
        return max(cards, key=lambda c: (c.year, c.computed_at)).cycle_id

    async def _ruleset(self, number: int | None) -> Loaded:
        if number is None:
            loaded = await self.scorer.active()
            if loaded is None:
                raise errors.NotFound("no rule set is active", "ruleSetId")
            return loaded
        ruleset = await require(
            self.scorer.scoring.rulesets, rulesets.ruleset_id(number), "rule set", "ruleSetId"
        )
        if not ruleset.is_valid:
            raise errors.BadUserInput(f"rule set {ruleset.id} has problems", "ruleSetId")
        return await self.scorer.load(ruleset)


_UNREAD = Evidence(RegionFacts(""), CycleFacts("", 0), {})  # not read yet


def _unweighted() -> errors.Conflict:
    return errors.Conflict("the rule set has no weights for this region's year and cohort")


def _standing(session: Session, what_if: whole.WhatIf) -> Standing:
    """The what-if's standing among the cycle's other regions."""
    rank, in_cohort = session.others.ranks(what_if.final_index)
    return Standing(what_if.final_index, what_if.grade, rank, in_cohort, what_if.fired_rules,
                    what_if.failure)  # fmt: skip


def _require_reader(principal: Principal, region_code: str, evidence: Evidence | None) -> None:
    """Checked before the evidence is read, when the role and token decide, and after, for an
    assessor whose scores in it decide; whoever may not ask learns nothing of the region."""
    if principal.role in (Role.ADMIN, Role.MINISTRY):
        return
    if principal.role is Role.REGION_OPERATOR and principal.region == region_code:
        return
    if principal.role is Role.ASSESSOR:
        if region_code in principal.regions or evidence is _UNREAD:
            return
        if evidence is not None and any(
            principal.subject in sheets for sheets in evidence.assessor_scores.values()
        ):
            return
    raise errors.Forbidden(f"the improvement plan of {region_code} is not yours to read",
                           "regionCode")  # fmt: skip


def _checked(scores: dict[str, int], evidence: Evidence, loaded: Loaded) -> dict[str, int]:
    method = loaded.definition.methodology
    for code, score in scores.items():
        if code not in evidence.questions:
            raise errors.BadUserInput(f"{code} is not a question of this evaluation", "scores")
        if not method.scale_min <= score <= method.scale_max:
            raise errors.BadUserInput(
                f"{code}: a score is from {method.scale_min} to {method.scale_max}", "scores"
            )
    return scores


def _key(
    loaded: Loaded, evidence: Evidence, standings: list[tuple[str, str, float]]
) -> tuple[str, int]:
    """The rule set version, the evidence and the cycle's standings, as one digest; and the
    characters they took, which weigh the session kept under it."""
    text = json.dumps([loaded.key, asdict(evidence), standings], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest(), len(text)
