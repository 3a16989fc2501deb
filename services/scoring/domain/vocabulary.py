"""The fixed vocabulary of rule actions: what each takes, and what it does to a scorecard.

Texts may name matched facts' fields as `{alias.field}`; nothing else is substituted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from services.scoring.domain import facts
from services.scoring.domain.methodology import EVALUATION_DIMENSIONS

SEVERITIES = ("info", "warning", "critical")
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)\}")
BRACED = re.compile(r"\{[^{}]*\}")
MAX_TEXT = 500
VALUE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}\Z")


@dataclass(frozen=True)
class Action:
    name: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Param:
    kind: str  # text | number | flag | severity | dimension | alias | scalar
    required: bool = True


SIGNATURES: dict[str, dict[str, Param]] = {
    "flag": {"code": Param("text"), "severity": Param("severity"), "message": Param("text")},
    "recommend": {"text": Param("text"), "dimension": Param("dimension", required=False)},
    "mark_quick_win": {
        "program": Param("alias"), "eligible": Param("flag"), "reason": Param("text"),
    },
    "set_value": {"name": Param("name"), "value": Param("scalar")},
    "assign_grade": {"grade": Param("text")},
    "adjust_score": {
        "dimension": Param("dimension"), "by": Param("number"),
        "min": Param("number"), "max": Param("number"),
    },
}  # fmt: skip


def check(name: Any, params: Any, aliases: dict[str, str]) -> list[str]:
    """Every problem with one action, given the aliases its rule binds (alias -> fact)."""
    if name not in SIGNATURES:
        return [f"unknown action {name!r}; actions are {', '.join(SIGNATURES)}"]
    if not isinstance(params, dict):
        return ["parameters are a mapping"]
    signature = SIGNATURES[name]
    problems = [f"unknown parameter {key}" for key in sorted(set(params) - set(signature))]
    for key, param in signature.items():
        if key not in params:
            if param.required:
                problems.append(f"{key} is required")
            continue
        problems += [f"{key}: {m}" for m in _check_value(param.kind, params[key], aliases)]
    program_alias = str(params.get("program"))
    if name == "mark_quick_win" and aliases.get(program_alias) not in (None, "program"):
        problems.append("program: must name the alias of a program fact")
    if name == "adjust_score":
        problems += _check_adjustment(params, aliases)
    return problems


def _check_value(kind: str, value: Any, aliases: dict[str, str]) -> list[str]:
    if kind == "text":
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
            return [f"a text of 1 to {MAX_TEXT} characters"]
        not_placeholders = [
            f"{braced} is not a placeholder: a text names a field as {{alias.field}}"
            for braced in BRACED.findall(value)
            if not PLACEHOLDER.fullmatch(braced)
        ]
        return not_placeholders + [
            f"{{{alias}.{name}}} names no field of a matched fact"
            for alias, name in PLACEHOLDER.findall(value)
            if name not in facts.SCHEMAS.get(aliases.get(alias, ""), {})
        ]
    checks = {
        "number": lambda v: facts.type_of(v) == facts.NUMBER,
        "flag": lambda v: isinstance(v, bool),
        "severity": lambda v: v in SEVERITIES,
        "dimension": lambda v: v in EVALUATION_DIMENSIONS,
        "alias": lambda v: v in aliases,
        "name": lambda v: isinstance(v, str) and bool(VALUE_NAME.match(v)),
        "scalar": lambda v: (
            facts.type_of(v) is not None and (not isinstance(v, str) or len(v) <= MAX_TEXT)
        ),
    }
    expected = {
        "number": "a number", "flag": "true or false", "severity": " | ".join(SEVERITIES),
        "dimension": " | ".join(EVALUATION_DIMENSIONS), "alias": "the alias of a matched fact",
        "name": "a short lower-case name", "scalar": "a number, text or true/false",
    }  # fmt: skip
    return [] if checks[kind](value) else [f"expected {expected[kind]}, got {value!r}"]


def _check_adjustment(params: dict[str, Any], aliases: dict[str, str]) -> list[str]:
    problems = []
    low, high = params.get("min"), params.get("max")
    both_numbers = facts.type_of(low) == facts.NUMBER and facts.type_of(high) == facts.NUMBER
    if both_numbers and low > high:  # type: ignore[operator]
        problems.append("min is above max")
    if set(aliases.values()) & {"dimension_score", "final"}:
        problems.append(
            "a rule that adjusts scores may not match dimension_score or final facts: "
            "it would change what it matches"
        )
    return problems


def render(text: str, matched: dict[str, dict[str, Any]]) -> str:
    def value(found: re.Match[str]) -> str:
        return str(matched.get(found.group(1), {}).get(found.group(2), found.group(0)))

    return PLACEHOLDER.sub(value, text)


@dataclass
class Effects:
    """What the fired rules did, applied in priority order; the first to set a value keeps it."""

    flags: list[dict[str, str]] = field(default_factory=list)
    recommendations: list[dict[str, str | None]] = field(default_factory=list)
    quick_wins: dict[str, dict[str, Any]] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    grade: str | None = None
    adjustments: dict[str, list[tuple[float, float, float]]] = field(default_factory=dict)

    def apply(self, rule_id: str, action: Action, matched: dict[str, dict[str, Any]]) -> str:
        """Applies one action; returns its effect in words, for the explanation."""
        p = action.params
        if action.name == "flag":
            message = render(p["message"], matched)
            self.flags.append(
                {"rule": rule_id, "code": p["code"], "severity": p["severity"], "message": message}
            )
            return f"flag {p['severity']} {p['code']}: {message}"
        if action.name == "recommend":
            text = render(p["text"], matched)
            self.recommendations.append(
                {"rule": rule_id, "text": text, "dimension": p.get("dimension")}
            )
            return f"recommend: {text}"
        if action.name == "mark_quick_win":
            program = matched.get(p["program"], {})
            program_id = str(program.get("program_id", ""))
            reason = render(p["reason"], matched)
            if program_id and program_id not in self.quick_wins:
                self.quick_wins[program_id] = {
                    "rule": rule_id,
                    "eligible": p["eligible"],
                    "reason": reason,
                }
            verdict = "eligible" if p["eligible"] else "not eligible"
            return f"quick win {program_id} {verdict}: {reason}"
        if action.name == "set_value":
            self.values.setdefault(p["name"], p["value"])
            return f"set {p['name']} = {p['value']!r}"
        if action.name == "assign_grade":
            if self.grade is None:
                self.grade = p["grade"]
            return f"grade {p['grade']}"
        self.adjustments.setdefault(p["dimension"], []).append(
            (float(p["by"]), float(p["min"]), float(p["max"]))
        )
        return f"adjust {p['dimension']} by {p['by']} within [{p['min']}, {p['max']}]"
