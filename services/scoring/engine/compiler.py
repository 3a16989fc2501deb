"""Rules of the rule language, compiled to durable_rules' JSON ruleset format.

Every fact names its schema under `KIND`; a pattern becomes
`{alias: {"$and": [{KIND: fact}, tests...]}}`; `none` is compiled by De Morgan into negated
tests, since durable_rules has no negation of a group. Rule names in the ruleset are
positional (`r0`, `r1`, ...) and map back to rule ids.

durable_rules drops a whole batch of facts when one of them matches no rule, and crashes
when that session is deleted afterwards: a catch-all rule (`SEEN`) matches every fact.
"""

from __future__ import annotations

from typing import Any

from services.scoring.domain.facts import KIND
from services.scoring.domain.rules import NEGATED, Comparison, Group, Pattern, Rule

OPERATOR = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}
SEEN = "seen"


def rule_name(index: int) -> str:
    return f"r{index}"


def compile_rules(rules: tuple[Rule, ...]) -> dict[str, Any]:
    compiled = {rule_name(i): _rule(rule) for i, rule in enumerate(rules)}
    compiled[SEEN] = {"all": [{"fact": {"$ex": {KIND: 1}}}], "pri": 1000}
    return compiled


def _rule(rule: Rule) -> dict[str, Any]:
    return {rule.mode: [_pattern(p) for p in rule.patterns], "pri": -rule.priority}


def _pattern(pattern: Pattern) -> dict[str, Any]:
    tests = [{KIND: pattern.fact}, *_group_tests(pattern.where, negate=False)]
    return {pattern.alias: {"$and": tests}}


def _group_tests(group: Group, *, negate: bool) -> list[dict[str, Any]]:
    """The group's tests as a list meant to be and-ed."""
    mode = group.mode
    if mode == "none":
        mode, negate = ("any" if negate else "all"), not negate
    elif negate:
        mode = "all" if mode == "any" else "any"
    parts = [_test(t, negate=negate) for t in group.tests]
    if mode == "all" or len(parts) <= 1:
        return parts
    return [{"$or": parts}]


def _test(test: Comparison | Group, *, negate: bool) -> dict[str, Any]:
    if isinstance(test, Group):
        parts = _group_tests(test, negate=negate)
        return parts[0] if len(parts) == 1 else {"$and": parts}
    op = NEGATED[test.op] if negate else test.op
    operand: Any = {test.ref[0]: test.ref[1]} if test.ref else test.value
    if op == "==":
        return {test.field: operand}
    return {OPERATOR[op]: {test.field: operand}}
