"""The facts some rule may match: what the rules engine is given of an evaluation's facts.

A pattern matches one kind of fact and tests its fields, against values or against fields
of facts bound by earlier patterns. A test against a value is decided here in three values:
true, false, or undecided (a field the fact lacks, a test against another fact, types the
engine might compare otherwise). A fact of which every pattern of its kind is decided false
can match no rule, and the engine would only carry it. A region's 250 facts are mostly its
programs and questions, and the published rules ask about a handful of them, so the engine
is given that handful; it still decides every match, this only leaves out what cannot.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from typing import Any

from services.scoring.domain.facts import KIND
from services.scoring.domain.rules import Comparison, Group, Rule

Fact = dict[str, Any]
Decided = bool | None  # None: undecided here, left to the engine

COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt,
    "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}  # fmt: skip
EQUALITY = ("==", "!=")


def within_reach(rules: Sequence[Rule], session: list[Fact]) -> list[Fact]:
    """The facts of `session` some pattern of `rules` may match, in their order."""
    conditions: dict[str, list[Group]] = {}
    for rule in rules:
        for pattern in rule.patterns:
            conditions.setdefault(pattern.fact, []).append(pattern.where)
    return [
        fact
        for fact in session
        if any(
            _group(where, fact) is not False for where in conditions.get(str(fact.get(KIND)), ())
        )
    ]


def _group(group: Group, fact: Fact) -> Decided:
    decided = [
        _group(test, fact) if isinstance(test, Group) else _comparison(test, fact)
        for test in group.tests
    ]
    if group.mode == "all":
        return _all(decided)
    found = _any(decided) if decided else True  # an empty group tests nothing
    if group.mode == "none" and decided:
        return None if found is None else not found
    return found


def _all(decided: list[Decided]) -> Decided:
    if False in decided:
        return False
    return None if None in decided else True


def _any(decided: list[Decided]) -> Decided:
    if True in decided:
        return True
    return None if None in decided else False


def _comparison(test: Comparison, fact: Fact) -> Decided:
    if test.ref is not None or test.field not in fact:
        return None
    given, wanted = fact[test.field], test.value
    if _number(given) and _number(wanted):
        return COMPARE[test.op](given, wanted)
    same_kind = type(given) is type(wanted) and type(given) in (str, bool)
    if same_kind and test.op in EQUALITY:
        return COMPARE[test.op](given, wanted)
    return None


def _number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return not (isinstance(value, float) and math.isnan(value))
