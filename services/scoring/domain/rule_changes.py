"""Changes the rule set itself points to: a fact of the region that misses the condition of
a rule that rewards, brought to meet it; or one that meets the condition of a rule that
penalises, brought out of it.

A rule rewards when an action of it raises a dimension (`adjust_score` by more than 0),
gives a grade (`assign_grade`) or makes a quick win eligible; it penalises when it lowers a
dimension or makes a quick win not eligible. Only what a region can act on moves, and only
forward: an item's score on every assessor's sheet (whole steps), an impact sub-dimension's
number of citizens, a program's planning and implementation percents and its proposal as a
quick win. A test of any other field must already hold for the fact, and a rule whose
pattern compares two facts is passed over. What a change is worth is not judged here: the
planner scores the changed evidence by the methodology and the rules, as for any change.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from services.scoring.domain.assessment import assess, facts_of
from services.scoring.domain.evidence import Evidence
from services.scoring.domain.facts import KIND
from services.scoring.domain.methodology import Methodology
from services.scoring.domain.reach import COMPARE
from services.scoring.domain.rules import NEGATED, Comparison, Group, Rule

MAX_RULE_CHANGES = 60  # of one evidence: its rules times its facts could be thousands
PERCENT_STEP = 1.0  # a percent moved past a strict bound (`> 60`) goes one percent further
WHOLE = ("score", "respondents")  # levers that move in whole steps

Fact = dict[str, Any]
Moved = dict[str, Any]  # field -> its value once the fact meets (or escapes) the condition


@dataclass(frozen=True)
class Edit:
    """One field of a fact moved to a value: what the region would change in its evidence."""

    fact: str
    field: str
    value: float | bool


@dataclass(frozen=True)
class RuleMove:
    """A fact of the evidence (`subject`) moved to meet a rewarding rule's condition
    (`rewards`) or to escape a penalising one's."""

    rule: str
    rewards: bool
    subject: str
    before: float | None  # the first edited field's value now
    edits: tuple[Edit, ...]


# the fields a region can move, per fact kind, and the fact field that names the fact
LEVERS: dict[str, tuple[str, ...]] = {
    "question": ("score",),
    "impact_sample": ("respondents", "fill_percent"),
    "program": ("planning_percent", "implementation_percent", "planning_percent_on_oct_31",
                "quick_win_proposed"),
}  # fmt: skip
SUBJECT_FIELD = {"question": "code", "impact_sample": "sub_dimension", "program": "program_id"}


def rule_moves(evidence: Evidence, method: Methodology, rules: Sequence[Rule]) -> list[RuleMove]:
    """Each fact brought to meet a rewarding rule's condition or out of a penalising one's,
    in the rule set's order (the first MAX_RULE_CHANGES)."""
    if not any(_rewards(rule) is not None for rule in rules):
        return []
    facts: dict[str, list[Fact]] = {}
    for fact in facts_of(evidence, assess(evidence, method)):
        facts.setdefault(str(fact[KIND]), []).append(fact)
    found: dict[tuple[str, str], RuleMove] = {}  # a rule's first move of each fact
    for move in _moves(evidence, method, rules, facts):
        found.setdefault((move.rule, move.subject), move)
        if len(found) >= MAX_RULE_CHANGES:
            break
    return list(found.values())


def _moves(
    evidence: Evidence, method: Methodology, rules: Sequence[Rule], facts: dict[str, list[Fact]]
) -> Iterator[RuleMove]:
    tops = {"score": float(method.scale_max), "respondents": math.inf}
    for rule in rules:
        rewards = _rewards(rule)
        if rewards is None:
            continue
        for pattern in rule.patterns:
            levers = LEVERS.get(pattern.fact, ())
            for fact in facts.get(pattern.fact, []) if levers else ():
                if pattern.fact == "question" and not evidence.assessor_scores.get(fact["code"]):
                    continue  # an item moves on its assessors' sheets; citizens' items do not
                mover = _Mover(fact, levers, tops)
                moved = mover.meet(pattern.where) if rewards else mover.escape(pattern.where)
                if moved:
                    edits = tuple(Edit(pattern.fact, f, v) for f, v in moved.items())
                    before = fact[edits[0].field]
                    yield RuleMove(rule.id, rewards, str(fact[SUBJECT_FIELD[pattern.fact]]),
                                   None if isinstance(before, bool) else float(before),
                                   edits)  # fmt: skip


def _rewards(rule: Rule) -> bool | None:
    """True for a rule that rewards, False for one that penalises, None for neither (or both)."""
    rewards = penalises = False
    for action in rule.actions:
        if action.name == "adjust_score":
            rewards |= action.params["by"] > 0
            penalises |= action.params["by"] < 0
        elif action.name == "assign_grade":
            rewards = True
        elif action.name == "mark_quick_win":
            rewards |= action.params["eligible"] is True
            penalises |= action.params["eligible"] is False
    return None if rewards == penalises else rewards


class _Mover:
    """The least forward moves of one fact's levers that make it match a pattern's tests, or
    match them no longer; None where no forward move does."""

    def __init__(self, fact: Fact, levers: tuple[str, ...], tops: dict[str, float]) -> None:
        self.fact, self.levers, self.tops = fact, levers, tops

    def meet(self, group: Group, moved: Moved | None = None) -> Moved | None:
        """The moves that make the fact match `group` ({} when it does as it is)."""
        moved = dict(moved or {})
        if group.mode == "none":
            return moved if not any(self._holds(t, moved) for t in group.tests) else None
        if group.mode == "any":
            if not group.tests or any(self._holds(t, moved) for t in group.tests):
                return moved  # it matches as it is
            tried = (self._meet_test(test, moved) for test in group.tests)
            return next((moved | found for found in tried if found is not None), None)
        for test in group.tests:
            found = self._meet_test(test, moved)
            if found is None:
                return None
            moved |= found
        return moved

    def escape(self, group: Group, moved: Moved | None = None) -> Moved | None:
        """The moves that make the fact, matching `group`, match it no longer."""
        moved = dict(moved or {})
        if not self._holds(group, moved):
            return None  # nothing to escape
        if group.mode == "all":
            return next(
                (found for t in group.tests if (found := self._escape_test(t, moved))), None
            )
        if group.mode == "none":
            return None  # it matches while every test is false: making one true is a meet
        for test in group.tests:  # any: each test that holds made false
            if self._holds(test, moved):
                found = self._escape_test(test, moved)
                if not found:
                    return None
                moved |= found
        return moved or None

    def _meet_test(self, test: Comparison | Group, moved: Moved) -> Moved | None:
        if isinstance(test, Group):
            return self.meet(test, moved)
        if test.ref is not None or test.field not in self.fact:
            return None
        if test.field not in self.levers:
            return {} if self._holds(test, moved) else None
        now = moved.get(test.field, self.fact[test.field])
        wanted = self._forward(test, now)
        if wanted is None:
            return None
        return {} if wanted == now else {test.field: wanted}

    def _escape_test(self, test: Comparison | Group, moved: Moved) -> Moved | None:
        if isinstance(test, Group):
            return self.escape(test, moved)
        if test.ref is not None or test.field not in self.levers:
            return None
        return self._meet_test(Comparison(test.field, NEGATED[test.op], test.value), moved)

    def _forward(self, test: Comparison, now: Any) -> Any | None:
        """The least value from `now` up for which the test holds."""
        if _compared(now, test.op, test.value):
            return now
        if isinstance(now, bool):  # a program proposed as a quick win, never withdrawn
            return True if not now and _compared(True, test.op, test.value) else None
        if isinstance(test.value, bool) or not isinstance(test.value, int | float):
            return None
        value, whole = test.value, test.field in WHOLE
        step = 1 if whole else PERCENT_STEP
        if whole:
            above = {">=": math.ceil(value), ">": math.floor(value) + 1, "==": value}
        else:
            above = {">=": value, ">": value + step, "==": value}
        wanted = above.get(test.op, now + step if test.op == "!=" else None)
        top = self.tops.get(test.field, 100.0)
        if wanted is None or not now <= wanted <= top or not _compared(wanted, test.op, value):
            return None
        return wanted

    def _holds(self, test: Comparison | Group, moved: Moved) -> bool:
        if isinstance(test, Group):
            held = [self._holds(t, moved) for t in test.tests]
            return {"all": all(held), "any": any(held) or not held}.get(test.mode, not any(held))
        if test.ref is not None or test.field not in self.fact:
            return False
        return _compared(moved.get(test.field, self.fact[test.field]), test.op, test.value)


def _compared(now: Any, op: str, value: Any) -> bool:
    try:
        return bool(COMPARE[op](now, value))
    except TypeError:
        return False
