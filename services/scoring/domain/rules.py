"""The rules part of a rule set: conditions over facts leading to actions from a fixed vocabulary.

A rule reads as: when all (or any) of its patterns match facts, then its actions apply.
A pattern names a fact kind, binds it to an alias and tests its fields; a test compares a
field with a value or with a field of an earlier alias. Nothing here can run code: actions
are data, and message texts only substitute `{alias.field}`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from services.scoring.domain import facts, vocabulary

OPERATORS = ("==", "!=", "<", "<=", ">", ">=")
NEGATED = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
ORDERED = ("<", "<=", ">", ">=")
ALIAS = re.compile(r"^[a-z][a-z0-9_]{0,19}\Z")
RULE_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}\Z")
MAX_PATTERNS = 4
MAX_TESTS = 32
# combinations of facts a rule's `all` may compare in one evaluation: question x question
# (22,500) passes; question x question x anything does not
MAX_COMBINATIONS = 50_000


@dataclass(frozen=True)
class Problem:
    rule_id: str | None
    path: str
    message: str
    line: int | None = None  # in the document, from 1, where the path could be found


@dataclass(frozen=True)
class Comparison:
    field: str
    op: str
    value: Any = None
    ref: tuple[str, str] | None = None  # (alias, field)


@dataclass(frozen=True)
class Group:
    """all / any / none of the tests inside."""

    mode: str
    tests: tuple[Comparison | Group, ...]


@dataclass(frozen=True)
class Pattern:
    fact: str
    alias: str
    where: Group


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    mode: str  # all | any
    patterns: tuple[Pattern, ...]
    actions: tuple[vocabulary.Action, ...]
    priority: int = 0

    @property
    def aliases(self) -> dict[str, str]:
        return {p.alias: p.fact for p in self.patterns}


@dataclass
class _Reader:
    """Reads one rule, collecting every problem with its path instead of stopping at the first."""

    rule_id: str | None
    problems: list[Problem] = field(default_factory=list)

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.rule_id, path, message))


def read_rules(data: Any) -> tuple[list[Rule], list[Problem]]:
    if not isinstance(data, list):
        return [], [Problem(None, "rules", "rules must be a list")]
    rules, problems, seen = [], [], set()
    for index, item in enumerate(data):
        path = f"rules[{index}]"
        rule_id = item.get("id") if isinstance(item, dict) else None
        reader = _Reader(rule_id if isinstance(rule_id, str) else None)
        rule = _read_rule(item, path, reader)
        if rule and rule.id in seen:
            reader.problem(f"{path}.id", f"rule id {rule.id} is used twice")
        problems += reader.problems
        if rule and not reader.problems:
            seen.add(rule.id)
            rules.append(rule)
    return rules, problems


def _read_rule(item: Any, path: str, reader: _Reader) -> Rule | None:
    if not isinstance(item, dict):
        reader.problem(path, "a rule is a mapping with id, description, when and then")
        return None
    unknown = set(item) - {"id", "description", "priority", "when", "then"}
    for key in sorted(unknown):
        reader.problem(f"{path}.{key}", f"unknown rule field {key}")
    rule_id, description = item.get("id"), item.get("description")
    if not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
        reader.problem(f"{path}.id", "id must be a short slug (a-z, 0-9, . _ -)")
    if not isinstance(description, str) or not description.strip():
        reader.problem(f"{path}.description", "every rule needs a human description")
    priority = item.get("priority", 0)
    if not isinstance(priority, int) or isinstance(priority, bool) or not -1000 <= priority <= 1000:
        reader.problem(f"{path}.priority", "priority is a whole number from -1000 to 1000")
    mode, patterns = _read_when(item.get("when"), f"{path}.when", reader)
    aliases = {p.alias: p.fact for p in patterns}
    actions = _read_actions(item.get("then"), f"{path}.then", aliases, reader)
    if reader.problems or not isinstance(rule_id, str) or not isinstance(description, str):
        return None
    return Rule(rule_id, description.strip(), mode, tuple(patterns), tuple(actions), priority)


def _read_when(when: Any, path: str, reader: _Reader) -> tuple[str, list[Pattern]]:
    if not isinstance(when, dict) or len(when) != 1 or next(iter(when)) not in ("all", "any"):
        reader.problem(path, "when is {all: [patterns]} or {any: [patterns]}")
        return "all", []
    mode, items = next(iter(when.items()))
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_PATTERNS:
        reader.problem(f"{path}.{mode}", f"a rule matches 1 to {MAX_PATTERNS} patterns")
        return mode, []
    patterns: list[Pattern] = []
    for index, item in enumerate(items):
        bound = {p.alias: p.fact for p in patterns} if mode == "all" else {}
        pattern = _read_pattern(item, f"{path}.{mode}[{index}]", bound, reader)
        if pattern and pattern.alias in {p.alias for p in patterns}:
            reader.problem(f"{path}.{mode}[{index}].as", f"alias {pattern.alias} is bound twice")
        elif pattern:
            patterns.append(pattern)
    if mode == "all" and (combinations := _combinations(patterns)) > MAX_COMBINATIONS:
        kinds = " x ".join(p.fact for p in patterns)
        reader.problem(
            f"{path}.all",
            f"these patterns ({kinds}) join up to {combinations} combinations of facts in "
            f"each evaluation; at most {MAX_COMBINATIONS}: match fewer facts together",
        )
    return mode, patterns


def _combinations(patterns: list[Pattern]) -> int:
    return math.prod(facts.MOST_PER_EVALUATION[p.fact] for p in patterns)


def too_many_combinations(rules: Sequence[Rule], session: list[dict[str, Any]]) -> str | None:
    """Why one evaluation's facts may not be given to the rules: validation estimated each
    join by the most facts of each kind it expected, and a region with more (1,800 programs,
    say) would join past the cap the rules were allowed."""
    held = Counter(fact.get(facts.KIND) for fact in session)
    for rule in rules:
        if rule.mode != "all" or len(rule.patterns) < 2:
            continue
        combinations = math.prod(held[p.fact] for p in rule.patterns)
        if combinations > MAX_COMBINATIONS:
            counts = ", ".join(f"{held[kind]} {kind}" for kind in dict.fromkeys(
                p.fact for p in rule.patterns))  # fmt: skip
            return (
                f"rule {rule.id} would join {combinations} combinations of this region's facts "
                f"({counts}); at most {MAX_COMBINATIONS}: the rules were not run"
            )
    return None


def _read_pattern(item: Any, path: str, bound: dict[str, str], reader: _Reader) -> Pattern | None:
    if not isinstance(item, dict):
        reader.problem(path, "a pattern is {fact, as, where}")
        return None
    for key in sorted(set(item) - {"fact", "as", "where"}):
        reader.problem(f"{path}.{key}", f"unknown pattern field {key}")
    fact, alias = item.get("fact"), item.get("as")
    if fact not in facts.SCHEMAS:
        reader.problem(
            f"{path}.fact", f"unknown fact {fact!r}; facts are {', '.join(facts.SCHEMAS)}"
        )
        return None
    if not isinstance(alias, str) or not ALIAS.match(alias):
        reader.problem(f"{path}.as", "as names the matched fact: a short lower-case name")
        return None
    where = _read_group("all", item.get("where", []), f"{path}.where", fact, bound, reader)
    return Pattern(fact, alias, where)


def _read_group(
    mode: str, items: Any, path: str, fact: str, bound: dict[str, str], reader: _Reader
) -> Group:
    if not isinstance(items, list) or len(items) > MAX_TESTS:
        reader.problem(path, f"a list of at most {MAX_TESTS} tests")
        return Group(mode, ())
    tests: list[Comparison | Group] = []
    for index, item in enumerate(items):
        here = f"{path}[{index}]"
        if isinstance(item, dict) and len(item) == 1 and next(iter(item)) in ("all", "any", "none"):
            inner_mode, inner = next(iter(item.items()))
            tests.append(
                _read_group(inner_mode, inner, f"{here}.{inner_mode}", fact, bound, reader)
            )
        else:
            tests += _read_test(item, here, fact, bound, reader)
    return Group(mode, tuple(tests))


def _read_test(
    item: Any, path: str, fact: str, bound: dict[str, str], reader: _Reader
) -> list[Comparison | Group]:
    if not isinstance(item, dict) or "field" not in item:
        reader.problem(path, "a test is {field, op, value} or {field, op, ref} or {field, between}")
        return []
    schema = facts.SCHEMAS[fact]
    name = item["field"]
    if name not in schema:
        reader.problem(f"{path}.field", f"{fact} has no field {name!r}; it has {', '.join(schema)}")
        return []
    if "between" in item:
        low_high = item["between"]
        if not (isinstance(low_high, list) and len(low_high) == 2 and schema[name] == facts.NUMBER
                and all(facts.type_of(v) == facts.NUMBER for v in low_high)):  # fmt: skip
            reader.problem(
                f"{path}.between", "between takes [low, high] numbers, on a number field"
            )
            return []
        return [
            Group("all", (Comparison(name, ">=", low_high[0]), Comparison(name, "<=", low_high[1])))
        ]
    op = item.get("op", "==")
    if op not in OPERATORS:
        reader.problem(f"{path}.op", f"op is one of {' '.join(OPERATORS)}")
        return []
    if op in ORDERED and schema[name] != facts.NUMBER:
        reader.problem(f"{path}.op", f"{op} compares numbers; {name} is {schema[name]}")
        return []
    if "ref" in item:
        return _read_ref(item["ref"], path, name, op, schema[name], bound, reader)
    value = item.get("value")
    if facts.type_of(value) != schema[name]:
        reader.problem(f"{path}.value", f"{fact}.{name} is {schema[name]}; {value!r} is not")
        return []
    return [Comparison(name, op, value)]


def _read_ref(
    ref: Any, path: str, name: str, op: str, kind: str, bound: dict[str, str], reader: _Reader
) -> list[Comparison | Group]:
    alias, _, other = ref.partition(".") if isinstance(ref, str) else ("", "", "")
    if alias not in bound:
        reader.problem(
            f"{path}.ref",
            f"ref names alias.field of an earlier pattern of an all-rule; {ref!r} does not",
        )
        return []
    other_type = facts.SCHEMAS[bound[alias]].get(other)
    if other_type is None:
        reader.problem(f"{path}.ref", f"{bound[alias]} has no field {other!r}")
        return []
    if other_type != kind:
        reader.problem(f"{path}.ref", f"{name} is {kind} but {ref} is {other_type}")
        return []
    return [Comparison(name, op, ref=(alias, other))]


def _read_actions(
    items: Any, path: str, aliases: dict[str, str], reader: _Reader
) -> list[vocabulary.Action]:
    if not isinstance(items, list) or not items:
        reader.problem(path, "then lists at least one action")
        return []
    read = []
    for index, item in enumerate(items):
        here = f"{path}[{index}]"
        if not isinstance(item, dict) or len(item) != 1:
            reader.problem(here, "an action is {name: {parameters}}")
            continue
        name, params = next(iter(item.items()))
        for message in vocabulary.check(name, params, aliases):
            reader.problem(f"{here}.{name}", message)
        if isinstance(params, dict):
            read.append(vocabulary.Action(name, dict(params)))
    return read
