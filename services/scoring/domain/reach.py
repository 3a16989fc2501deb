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


class Reach:
    """The facts of a session some pattern of `rules` may match, in their order; each
    pattern's tests are turned into one function when the rules are loaded."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        conditions: dict[str, list[Decide]] = {}
        for rule in rules:
            for pattern in rule.patterns:
                conditions.setdefault(pattern.fact, []).append(_group(pattern.where))
        self._conditions = {kind: tuple(found) for kind, found in conditions.items()}

    def __call__(self, session: list[Fact]) -> list[Fact]:
        return [fact for fact in session if self.may_match(fact)]

    def may_match(self, fact: Fact) -> bool:
        """Whether some pattern may match the fact: none decides it cannot."""
        decides = self._conditions.get(str(fact.get(KIND)), ())
        return any(decide(fact) is not False for decide in decides)


Decide = Callable[[Fact], Decided]


def _group(group: Group) -> Decide:
    tests = tuple(_group(t) if isinstance(t, Group) else _comparison(t) for t in group.tests)
    if not tests:
        return lambda fact: True  # an empty group tests nothing
    if group.mode == "all":
        return lambda fact: _all([test(fact) for test in tests])
    if group.mode == "none":
        return lambda fact: _not(_any([test(fact) for test in tests]))
    return lambda fact: _any([test(fact) for test in tests])


def _all(decided: list[Decided]) -> Decided:
    if False in decided:
        return False
    return None if None in decided else True


def _any(decided: list[Decided]) -> Decided:
    if True in decided:
        return True
    return None if None in decided else False


def _not(decided: Decided) -> Decided:
    return None if decided is None else not decided


def _comparison(test: Comparison) -> Decide:
    if test.ref is not None:
        return lambda fact: None
    field, wanted, compare = test.field, test.value, COMPARE[test.op]
    if _number(wanted):

        def numbers(fact: Fact) -> Decided:
            given = fact.get(field)
            return compare(given, wanted) if _number(given) else None

        return numbers
    if type(wanted) in (str, bool) and test.op in EQUALITY:
        kind = type(wanted)

        def same_kind(fact: Fact) -> Decided:
            given = fact.get(field)
            return compare(given, wanted) if type(given) is kind else None

        return same_kind
    return lambda fact: None


def _number(value: Any) -> bool:
    kind = type(value)
    if kind is int:
        return True
    return kind is float and not math.isnan(value)
