"""Targets, standings and the plan: the fewest changes, chosen one at a time by what each
exactly adds, that bring a region to a final index, a grade or a rank in its cohort.

Nothing here scores: the planner hands the evidence and the changes to `Evaluate`, which runs the
methodology and the rules as scoring does, so thresholds and flags show in what a change is
worth. The plan is greedy: at each step the change worth most on the evidence as the steps
before left it, among the candidates worth most before (their worth is checked again, since
a rule's threshold may make a change worth more or less once another is made).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from services.kernel import errors
from services.scoring.domain.changes import Change, ChangeKey, applied, change_of
from services.scoring.domain.evidence import Evidence
from services.scoring.domain.methodology import Methodology
from services.scoring.domain.rules import Rule

MAX_TARGET = 40
RANK = re.compile(r"^rank:([0-9]{1,4})\Z")
INDEX = re.compile(r"^[0-9]{1,2}(\.[0-9]{1,4})?\Z")


class TargetKind(StrEnum):
    INDEX = "index"
    GRADE = "grade"
    RANK = "rank"  # in the region's cohort


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    index: float = 0.0
    grade: str = ""
    rank: int = 0

    def __str__(self) -> str:
        return {TargetKind.INDEX: f"{self.index:g}", TargetKind.GRADE: self.grade,
                TargetKind.RANK: f"rank:{self.rank}"}[self.kind]  # fmt: skip


def read_target(text: str, method: Methodology) -> Target:
    """`3.0` (a final index), a grade of the rule set (`Baik`) or `rank:50` (in the cohort)."""
    text = text.strip()
    if len(text) > MAX_TARGET:
        raise errors.BadUserInput(f"a target is at most {MAX_TARGET} characters", "target")
    if INDEX.match(text):
        return Target(TargetKind.INDEX, index=float(text))
    if found := RANK.match(text):
        if int(found.group(1)) < 1:
            raise errors.BadUserInput("a rank target is rank:1 or lower down", "target")
        return Target(TargetKind.RANK, rank=int(found.group(1)))
    grades = {band.grade.casefold(): band.grade for band in method.grades}
    if text.casefold() in grades:
        return Target(TargetKind.GRADE, grade=grades[text.casefold()])
    known = ", ".join(band.grade for band in method.grades)
    raise errors.BadUserInput(
        f"{text!r} is not a target: a final index (3.0), a grade ({known}) or rank:N", "target"
    )


@dataclass(frozen=True)
class Standing:
    """What a state of the evidence scores: its final index, grade and ranks, the rules that
    fired, or why it could not be scored."""

    final_index: float
    grade: str | None
    rank: int
    rank_in_cohort: int
    rules_fired: frozenset[str]
    failure: str | None = None


@dataclass(frozen=True)
class Others:
    """The other regions of the cycle as they stand: a state's ranks among them."""

    cohort: str
    finals: Sequence[float]  # everyone else's
    cohort_finals: Sequence[float]  # everyone else's in the region's cohort

    @classmethod
    def of(cls, region_code: str, cohort: str, others: Sequence[tuple[str, str, float]]) -> Others:
        """From (region, cohort, final) of the cycle's scorecards."""
        rest = [(c, f) for code, c, f in others if code != region_code]
        return cls(cohort, [f for _, f in rest], [f for c, f in rest if c == cohort])

    def ranks(self, final_index: float) -> tuple[int, int]:
        """Standard competition ranks: one more than those strictly ahead."""
        ahead = sum(f > final_index for f in self.finals)
        ahead_in_cohort = sum(f > final_index for f in self.cohort_finals)
        return ahead + 1, ahead_in_cohort + 1


def reached(target: Target, standing: Standing, method: Methodology) -> bool:
    match target.kind:
        case TargetKind.INDEX:
            return standing.final_index >= target.index
        case TargetKind.RANK:
            return standing.rank_in_cohort <= target.rank
        case TargetKind.GRADE:
            return _grade_order(standing.grade, method) >= _grade_order(target.grade, method)


def _grade_order(grade: str | None, method: Methodology) -> float:
    """A grade's place: its band's minimum (a grade no band names, given by a rule, counts
    as the lowest)."""
    return next((float(b.minimum) for b in method.grades if b.grade == grade), float("-inf"))


def better(one: Standing, other: Standing) -> bool:
    return (one.final_index, -one.rank_in_cohort) > (other.final_index, -other.rank_in_cohort)


@dataclass(frozen=True)
class Tried:
    """A change tried on a state of the evidence, and what that state then scores."""

    change: Change
    standing: Standing


@dataclass(frozen=True)
class Step:
    change: Change
    standing: Standing  # after this step and every one before it


class Ending(StrEnum):
    REACHED = "reached"
    NO_CHANGE_HELPS = "no_change_helps"  # no change left raises the index or the rank
    STEP_LIMIT = "step_limit"
    BUDGET = "budget"  # the request's evaluations were used up


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...]
    ending: Ending
    evaluated: int


Evaluate = Callable[[Evidence, list[Change]], Awaitable[list[Standing]]]  # each change made


class OutOfBudget(Exception):
    """What `Evaluate` raises once the request's time for scoring is spent."""


@dataclass(frozen=True)
class Limits:
    steps: int = 60  # changes in one plan: a grade up can take forty one-step raises
    rechecked: int = 4  # candidates tried again at each step
    evaluations: int = 600  # states scored for one plan, after its candidates


async def plan_to(
    target: Target,
    start: Evidence,
    standing: Standing,
    tried: Sequence[Tried],
    method: Methodology,
    evaluate: Evaluate,
    limits: Limits = Limits(),
    rules: Sequence[Rule] = (),
) -> Plan:
    """From `start` (which scores `standing`), each step the best of the candidates worth
    most so far, tried again on the evidence as it stands; `tried` gives each candidate's
    worth on `start`; `rules` are those whose conditions changes may be made to meet."""
    worth = {t.change.key: t.standing for t in tried if better(t.standing, standing)}
    evidence, evaluated = start, 0
    steps: list[Step] = []
    while not reached(target, standing, method):
        if len(steps) >= limits.steps:
            return Plan(tuple(steps), Ending.STEP_LIMIT, evaluated)
        if evaluated >= limits.evaluations:
            return Plan(tuple(steps), Ending.BUDGET, evaluated)
        ordered = sorted(worth, key=lambda k: _rank_key(worth[k], k))
        keys = ordered[: min(limits.rechecked, limits.evaluations - evaluated)]
        changes = [c for k in keys if (c := change_of(evidence, method, k, rules)) is not None]
        if not changes:
            return Plan(tuple(steps), Ending.NO_CHANGE_HELPS, evaluated)
        try:
            scored = await evaluate(evidence, changes)
        except OutOfBudget:
            return Plan(tuple(steps), Ending.BUDGET, evaluated)
        evaluated += len(changes)
        for key in keys:
            worth.pop(key, None)
        best: Tried | None = None
        for change, after in zip(changes, scored, strict=True):
            if after.failure is None and better(after, standing):
                worth[change.key] = after
                if best is None or better(after, best.standing):
                    best = Tried(change, after)
        if best is None:
            continue  # these no longer help; the next ones are tried
        evidence, standing = applied(evidence, best.change, method), best.standing
        steps.append(Step(best.change, standing))
        worth.pop(best.change.key, None)
        if (again := change_of(evidence, method, best.change.key, rules)) is not None:
            worth[again.key] = best.standing  # worth at least trying once more
    return Plan(tuple(steps), Ending.REACHED, evaluated)


def _rank_key(standing: Standing, key: ChangeKey) -> tuple[float, int, ChangeKey]:
    return -standing.final_index, standing.rank_in_cohort, key
