"""A rule set document (YAML or JSON) read into a methodology and rules, or located problems."""

from __future__ import annotations

import json
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import yaml

from services.kernel import characters
from services.scoring.domain import methodology as m
from services.scoring.domain.rules import Problem, Rule, read_rules

MAX_DOCUMENT = 256_000
MAX_RULES = 500
MAX_VALUES = 100_000  # once YAML's aliases are resolved: each reference is read again


@dataclass(frozen=True)
class Definition:
    name: str
    methodology: m.Methodology
    rules: tuple[Rule, ...]


def parse_text(text: str) -> tuple[Any, list[Problem]]:
    """JSON or YAML (safe: plain data only, no tags, no objects)."""
    if len(text) > MAX_DOCUMENT:
        return None, [Problem(None, "document", f"a rule set is at most {MAX_DOCUMENT} characters")]
    try:
        if text.lstrip().startswith("{"):
            return _plain(json.loads(text))
        data, problems = _yaml(text)
        return _plain(data) if not problems else (data, problems)
    except (ValueError, yaml.YAMLError) as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else getattr(error, "lineno", None)  # YAML's, or JSON's
        where = f"line {line}" if line else "document"
        return None, [Problem(None, where, f"not valid YAML or JSON: {_one_line(error)}", line)]
    except RecursionError:
        return None, [Problem(None, "document", "the document nests too deeply")]


def _plain(data: Any) -> tuple[Any, list[Problem]]:
    """The document as read, unless an escape (`"\\u202E"`, `"\\a"`) made a character
    plain text may not hold."""
    items = data.items() if isinstance(data, dict) else [("document", data)]
    for key, value in items:
        found = characters.unprintable_in(str(key), value) or characters.unprintable_in(
            "document", str(key)
        )
        if found:
            return None, [Problem(None, found.field, found.message)]
    return data, []


def _one_line(error: Exception) -> str:
    """The parser's own words, on one line: what went wrong, without its quoted source."""
    problem = getattr(error, "problem", None)  # YAML's; JSON's message is one line already
    if problem:
        context = getattr(error, "context", None)
        return f"{problem} ({context})" if context else str(problem)
    return " ".join(str(error).split())


def _yaml(text: str) -> tuple[Any, list[Problem]]:
    """Composed first, then measured as read with every alias resolved, then read."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        values = _expanded_values(node, {}, set())
        if values > MAX_VALUES:
            message = (
                f"the document holds {values} values once its aliases are resolved; "
                f"at most {MAX_VALUES}"
            )
            return None, [Problem(None, "document", message)]
        return loader.construct_document(node), []
    finally:
        loader.dispose()


def _expanded_values(node: yaml.Node, known: dict[int, int], open_: set[int]) -> int:
    """Each node counted once per reference to it, each shared node measured once."""
    if id(node) in known:
        return known[id(node)]
    if id(node) in open_:
        return MAX_VALUES + 1  # an alias inside itself never ends
    open_.add(id(node))
    children: list[yaml.Node] = []
    if isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    elif isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    total = 1 + sum(_expanded_values(child, known, open_) for child in children)
    open_.discard(id(node))
    known[id(node)] = total
    return total


def read(data: Any) -> tuple[Definition | None, list[Problem]]:
    if not isinstance(data, dict):
        return None, [
            Problem(None, "document", "a rule set is a mapping with methodology and rules")
        ]
    problems = [
        Problem(None, key, f"unknown top-level field {key}")
        for key in sorted(str(k) for k in data if k not in {"name", "methodology", "rules"})
    ]
    name = data.get("name", "")
    if not isinstance(name, str) or len(name) > 200:
        problems.append(Problem(None, "name", "name is a text of at most 200 characters"))
    method = _read_methodology(data.get("methodology"), problems)
    raw_rules = data.get("rules", [])
    if isinstance(raw_rules, list) and len(raw_rules) > MAX_RULES:
        problems.append(Problem(None, "rules", f"at most {MAX_RULES} rules"))
        raw_rules = []
    rules, rule_problems = read_rules(raw_rules)
    problems += rule_problems
    if problems or method is None:
        return None, problems
    return Definition(name, method, tuple(rules)), []


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _places(value: Any) -> bool:
    return value is None or (
        isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 6
    )


def _read_methodology(data: Any, problems: list[Problem]) -> m.Methodology | None:
    if not isinstance(data, dict):
        problems.append(Problem(None, "methodology", "methodology is a mapping"))
        return None
    before = len(problems)
    for key in sorted(
        set(data) - {"scale", "rounding", "weights", "grades", "impact", "unscored_items"}
    ):
        problems.append(Problem(None, f"methodology.{key}", f"unknown methodology field {key}"))
    scale = data.get("scale", {"min": 0, "max": 4})
    if not (isinstance(scale, dict) and scale.get("min") == 0 and isinstance(scale.get("max"), int)
            and not isinstance(scale.get("max"), bool) and 1 <= scale["max"] <= 100):  # fmt: skip
        problems.append(
            Problem(None, "methodology.scale", "scale is {min: 0, max: N} with N from 1 to 100")
        )
        scale = {"min": 0, "max": 4}
    rounding = data.get("rounding", {})
    if (
        not isinstance(rounding, dict)
        or set(rounding) - {"items", "dimensions", "final"}
        or not all(_places(v) for v in rounding.values())
    ):
        problems.append(
            Problem(
                None,
                "methodology.rounding",
                "rounding gives items, dimensions and final 0-6 places or null",
            )
        )
        rounding = {}
    weights = _read_weights(data.get("weights"), problems)
    grades = _read_grades(data.get("grades", []), scale["max"], problems)
    impact = _read_impact(data.get("impact", {}), problems)
    unscored = data.get("unscored_items", "exclude")
    if unscored not in ("exclude", "zero"):
        problems.append(
            Problem(None, "methodology.unscored_items", "unscored_items is exclude or zero")
        )
    if len(problems) > before:
        return None
    return m.Methodology(
        weights=tuple(weights),
        scale_max=scale["max"],
        rounding=m.Rounding(**{"items": None, "dimensions": None, "final": 2, **rounding}),
        grades=tuple(grades),
        impact=impact,
        unscored_items=unscored,
    )


def _read_impact(data: Any, problems: list[Problem]) -> m.Impact:
    """`impact: {source: assessors | citizens | blend, citizens_percent: 0-100 (a blend's
    share of the citizens), mapping: identity | linear}`; each is optional."""
    if not isinstance(data, dict):
        problems.append(Problem(None, "methodology.impact", "impact is a mapping"))
        return m.Impact()
    for key in sorted(set(data) - {"source", "citizens_percent", "mapping"}):
        problems.append(Problem(None, f"methodology.impact.{key}", f"unknown impact field {key}"))
    source = data.get("source", m.ImpactSource.ASSESSORS.value)
    if source not in set(m.ImpactSource):
        problems.append(
            Problem(
                None, "methodology.impact.source", "impact source is assessors, citizens or blend"
            )
        )
        source = m.ImpactSource.ASSESSORS.value
    # a version that names no mapping keeps the one it was stored with: identity (the shipped
    # version names the methodology's, linear); a stored version never changes its meaning
    mapping = data.get("mapping", m.UNNAMED_MAPPING.value)
    if mapping not in set(m.ImpactMapping):
        problems.append(
            Problem(None, "methodology.impact.mapping", "impact mapping is identity or linear")
        )
        mapping = m.UNNAMED_MAPPING.value
    percent = data.get("citizens_percent", 50)
    if not (isinstance(percent, int) and not isinstance(percent, bool) and 0 <= percent <= 100):
        problems.append(
            Problem(None, "methodology.impact.citizens_percent", "citizens_percent is 0 to 100")
        )
        percent = 50
    return m.Impact(m.ImpactSource(source), percent, m.ImpactMapping(mapping))


def _read_weights(data: Any, problems: list[Problem]) -> list[m.WeightSet]:
    if not isinstance(data, list) or not data:
        problems.append(
            Problem(
                None, "methodology.weights", "weights list at least one {year, cohort, weights}"
            )
        )
        return []
    sets, seen = [], set()
    for index, item in enumerate(data):
        path = f"methodology.weights[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("weights"), dict):
            problems.append(
                Problem(None, path, "a weight set is {year, cohort, weights: {dimension: percent}}")
            )
            continue
        year, cohort, weights = item.get("year", m.ANY), item.get("cohort", m.ANY), item["weights"]
        if not (
            year == m.ANY
            or (isinstance(year, int) and not isinstance(year, bool) and 2000 <= year <= 2100)
        ):
            problems.append(Problem(None, f"{path}.year", "year is a year from 2000 to 2100 or *"))
        if not isinstance(cohort, str) or not cohort:
            problems.append(Problem(None, f"{path}.cohort", "cohort is a cohort slug or *"))
        for dimension in weights:
            if dimension not in m.EVALUATION_DIMENSIONS:
                problems.append(
                    Problem(
                        None,
                        f"{path}.weights.{dimension}",
                        f"unknown evaluation dimension {dimension}",
                    )
                )
        if not all(
            isinstance(w, int) and not isinstance(w, bool) and 0 <= w <= 100
            for w in weights.values()
        ):
            problems.append(
                Problem(None, f"{path}.weights", "each weight is a whole percent from 0 to 100")
            )
        elif sum(weights.values()) != 100:
            problems.append(
                Problem(None, f"{path}.weights", f"weights sum to {sum(weights.values())}, not 100")
            )
        if (year, cohort) in seen:
            problems.append(
                Problem(None, path, f"a second weight set for year {year}, cohort {cohort}")
            )
        seen.add((year, cohort))
        sets.append(m.WeightSet(year, str(cohort), dict(weights)))
    return sets


def _read_grades(data: Any, scale_max: int, problems: list[Problem]) -> list[m.GradeBand]:
    if not isinstance(data, list):
        problems.append(Problem(None, "methodology.grades", "grades list {min, grade} bands"))
        return []
    bands = []
    for index, item in enumerate(data):
        path = f"methodology.grades[{index}]"
        valid = (
            isinstance(item, dict) and _number(item.get("min")) and 0 <= item["min"] <= scale_max
        )
        if not (valid and isinstance(item.get("grade"), str) and item["grade"].strip()):
            problems.append(
                Problem(None, path, f"a grade band is {{min: 0-{scale_max}, grade: text}}")
            )
            continue
        bands.append(m.GradeBand(Fraction(str(item["min"])), item["grade"]))
    return bands
