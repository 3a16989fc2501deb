"""Scoring a region's evidence whole: the methodology, the facts within the rules' reach,
the rules, the scorecard's content and the digest of what was scored.

A rescore and a plan's what-ifs run this inside the rules workers, a batch of regions (or of
changes to one region's evidence, made there) at a time, so that it spreads over every
worker's core and the service itself only reads evidence and stores scorecards. The service
composes a scorecard the same way (`content_of`) when it runs the rules on facts it prepared
itself (a simulation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from services.scoring.domain import assessment, rules, scorecards
from services.scoring.domain.changes import Change, applied
from services.scoring.domain.definitions import Definition
from services.scoring.domain.evidence import Evidence
from services.scoring.domain.reach import Reach
from services.scoring.domain.reassessment import Assessed

Facts = list[dict[str, Any]]
Fired = tuple[str, dict[str, dict[str, Any]]]  # rule name, alias -> matched fact


@dataclass(frozen=True)
class Scored:
    content: scorecards.Content
    fired_rules: frozenset[str]
    digest: str


@dataclass(frozen=True)
class WhatIf:
    """What changed evidence would score: the final index and grade of its scorecard, the
    rules that fired, and why the rules could not run, if they could not."""

    final_index: float
    grade: str | None
    fired_rules: frozenset[str]
    failure: str | None = None


@dataclass(frozen=True)
class Unweighted:
    """Evidence of a year and cohort the methodology gives no weights for."""

    reason: str

    @classmethod
    def of(cls, evidence: Evidence, missing: assessment.NoWeights) -> Unweighted:
        return cls(f"{evidence.region.code}:{evidence.cycle.id}: {missing}")


@dataclass(frozen=True)
class Method:
    """A rule set version as scoring uses it: its number and its definition (the reach of
    its rules is worked out once per version in each process, by `reach_of`)."""

    number: int
    definition: Definition


_reaches: dict[int, Reach] = {}  # by rule set number, in this process


def reach_of(method: Method) -> Reach:
    if method.number not in _reaches:
        _reaches.clear()  # a process serves one version at a time, the odd draft aside
        _reaches[method.number] = Reach(method.definition.rules)
    return _reaches[method.number]


def score(
    method: Method, evidences: list[Evidence], fire: Callable[[Facts], list[Fired]]
) -> list[Scored | Unweighted]:
    """Each evidence scored, `fire` running the rules on a session's facts."""
    definition, reach = method.definition, reach_of(method)
    found: list[Scored | Unweighted] = []
    for evidence in evidences:
        try:
            scored = assessment.assess(evidence, definition.methodology)
        except assessment.NoWeights as missing:
            found.append(Unweighted.of(evidence, missing))
            continue
        facts = assessment.facts_of(evidence, scored)
        session = reach(facts)
        refused = rules.too_many_combinations(definition.rules, session)
        fired = [] if refused else fire(session)
        content, fired_rules = content_of(method, evidence, scored, fired, refused)
        found.append(Scored(content, fired_rules, scorecards.digest(facts, method.number)))
    return found


def try_changes(
    method: Method, base: Evidence, tried: list[Change], fire: Callable[[Facts], list[Fired]]
) -> list[WhatIf | Unweighted]:
    """The evidence once each change is made, scored (a plan's what-ifs, never stored). Each
    is assessed from `base`'s assessment where the change leaves it alone, and the rules run
    again only when a fact that some pattern may match changed (or came or went): otherwise
    the rules are given the very facts they were given on `base`, and fire as they did."""
    definition, reach = method.definition, reach_of(method)
    methodology = definition.methodology
    try:
        first = Assessed.of(base, methodology)
    except assessment.NoWeights as missing:
        return [Unweighted.of(base, missing) for _ in tried]
    first_session = reach(first.facts)
    first_refused = rules.too_many_combinations(definition.rules, first_session)
    first_fired: list[Fired] | None = None
    first_facts = {id(fact) for fact in first.facts}
    first_reached = {id(fact) for fact in first_session}
    found: list[WhatIf | Unweighted] = []
    for change in tried:
        evidence = applied(base, change, methodology)
        now = first.changed_to(evidence, methodology)
        now_facts = {id(fact) for fact in now.facts}
        moved = [f for f in now.facts if id(f) not in first_facts] + [
            f for f in first.facts if id(f) not in now_facts
        ]
        if any(reach.may_match(fact) for fact in moved):
            session = [  # a fact of the first's decided as it was for the first
                f
                for f in now.facts
                if (id(f) in first_reached if id(f) in first_facts else reach.may_match(f))
            ]
            refused = rules.too_many_combinations(definition.rules, session)
            fired = [] if refused else fire(session)
        else:
            if first_fired is None:
                first_fired = [] if first_refused else fire(first_session)
            refused, fired = first_refused, first_fired
        found.append(what_if(method, now.assessment, fired, refused))
    return found


def what_if(
    method: Method, scored: assessment.Assessment, fired: list[Fired], failure: str | None
) -> WhatIf:
    """A what-if's standing from the rules that fired (by rule name)."""
    by_index, rules_fired = _by_index(method, fired)
    final, grade = scorecards.standing(method.definition, scored, by_index)
    return WhatIf(final, grade, rules_fired, failure)


def content_of(
    method: Method,
    evidence: Evidence,
    scored: assessment.Assessment,
    fired: list[Fired],
    failure: str | None,
) -> tuple[scorecards.Content, frozenset[str]]:
    """The scorecard's content from the rules that fired (by rule name), and their ids."""
    by_index, rules_fired = _by_index(method, fired)
    content = scorecards.compose(
        evidence, method.definition, method.number, scored, by_index, failure
    )
    return content, rules_fired


def _by_index(
    method: Method, fired: list[Fired]
) -> tuple[list[tuple[int, dict[str, dict[str, Any]]]], frozenset[str]]:
    """The firings by rule index (the compiled rules are named by it), and the rules' ids."""
    by_index = [(int(name[1:]), matched) for name, matched in fired]
    return by_index, frozenset(method.definition.rules[i].id for i, _ in by_index)
