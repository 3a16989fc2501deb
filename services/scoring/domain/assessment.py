"""The methodology applied to a region's evidence, and the facts the rules then match."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from services.scoring.domain.evidence import Evidence
from services.scoring.domain.facts import KIND
from services.scoring.domain.methodology import (
    EVALUATION_DIMENSIONS,
    SMART_DIMENSIONS,
    Methodology,
    WeightSet,
)


@dataclass(frozen=True)
class Assessment:
    item_scores: dict[str, Fraction | None]
    dimension_scores: dict[str, Fraction | None]
    coverage: dict[str, tuple[int, int]]  # dimension -> (scored items, items)
    weights: WeightSet
    final_index: Fraction
    smart_dimension_scores: dict[str, Fraction | None]


class NoWeights(ValueError):
    pass


def assess(evidence: Evidence, method: Methodology) -> Assessment:
    weights = method.weights_for(evidence.year, evidence.cohort)
    if weights is None:
        raise NoWeights(f"no weights for year {evidence.year}, cohort {evidence.cohort}")
    items = {code: _item_score(code, evidence, method) for code in evidence.questions}
    dimensions, coverage = {}, {}
    for dimension in EVALUATION_DIMENSIONS:
        codes = [c for c, q in evidence.questions.items() if q.evaluation_dimension == dimension]
        if not codes:
            continue
        dimensions[dimension] = method.dimension_score([items[c] for c in codes])
        coverage[dimension] = (sum(items[c] is not None for c in codes), len(codes))
    smart: dict[str, Fraction | None] = {}
    for smart_dimension in SMART_DIMENSIONS:
        scored = [
            score
            for c, q in evidence.questions.items()
            if q.smart_dimension == smart_dimension and (score := items[c]) is not None
        ]
        smart[smart_dimension] = sum(scored, Fraction(0)) / len(scored) if scored else None
    final = method.final_index(dimensions, weights)
    return Assessment(items, dimensions, coverage, weights, final, smart)


def _item_score(code: str, evidence: Evidence, method: Methodology) -> Fraction | None:
    question = evidence.questions[code]
    if code in evidence.citizen_answers:
        total, count = evidence.citizen_answers[code]
        if count:
            mapped = method.impact.map(
                Fraction(total, count), question.answer_min, question.answer_max, method.scale_max
            )
            return method.rounding.at(method.rounding.items, mapped)
    return method.item_score(evidence.assessor_scores.get(code, {}).values())


def _number(value: Fraction | None) -> float:
    return round(float(value), 6) if value is not None else 0.0


def facts_of(evidence: Evidence, assessment: Assessment) -> list[dict[str, Any]]:
    """The facts of one evaluation, as the fact schemas describe them."""
    return [
        _region_fact(evidence),
        _cycle_fact(evidence),
        _final_fact(evidence, assessment),
        *_dimension_facts(assessment),
        *_question_facts(evidence, assessment),
        *_impact_sample_facts(evidence),
        *_program_facts(evidence),
    ]


def _region_fact(evidence: Evidence) -> dict[str, Any]:
    fields = ("code", "name", "cohort", "province", "kind")
    return {KIND: "region", **{k: str(evidence.region.get(k) or "") for k in fields}}


def _cycle_fact(evidence: Evidence) -> dict[str, Any]:
    cycle = evidence.cycle
    return {
        KIND: "cycle",
        "cycle_id": str(cycle.get("id", "")),
        "year": evidence.year,
        "cohort": evidence.cohort,
        "stage": str(cycle.get("stage") or ""),
    }


def _final_fact(evidence: Evidence, assessment: Assessment) -> dict[str, Any]:
    previous, final = evidence.previous_final, float(assessment.final_index)
    improvement = round(final - previous, 6) if previous is not None else 0.0
    return {
        KIND: "final",
        "index": final,
        "previous_index": previous or 0.0,
        "improvement": improvement,
    }


def _dimension_facts(assessment: Assessment) -> list[dict[str, Any]]:
    found = []
    for dimension, score in assessment.dimension_scores.items():
        if score is not None:
            scored, total = assessment.coverage[dimension]
            weight = assessment.weights.weights.get(dimension, 0)
            found.append({KIND: "dimension_score", "dimension": dimension,
                          "score": _number(score), "weight": weight,
                          "scored_items": scored, "items": total})  # fmt: skip
    for dimension, score in assessment.smart_dimension_scores.items():
        if score is not None:
            found.append(
                {KIND: "smart_dimension_score", "dimension": dimension, "score": _number(score)}
            )
    return found


def _question_facts(evidence: Evidence, assessment: Assessment) -> list[dict[str, Any]]:
    found = []
    for code, question in evidence.questions.items():
        score = assessment.item_scores[code]
        if score is None:
            continue
        by_assessors = list(evidence.assessor_scores.get(code, {}).values())
        spread = max(by_assessors) - min(by_assessors) if by_assessors else 0
        found.append({KIND: "question", "code": code,
                      "dimension": question.evaluation_dimension or "",
                      "smart_dimension": question.smart_dimension or "",
                      "sub_dimension": question.sub_dimension or "",
                      "score": _number(score), "assessors": len(by_assessors),
                      "spread": spread})  # fmt: skip
    return found


def _impact_sample_facts(evidence: Evidence) -> list[dict[str, Any]]:
    sub_dimensions = {
        q.sub_dimension
        for q in evidence.questions.values()
        if q.sub_dimension and q.evaluation_dimension == "impact"
    }
    target, found = evidence.citizen_target, []
    for sub_dimension in sorted(sub_dimensions):
        respondents = evidence.citizen_respondents.get(sub_dimension, 0)
        fill = round(100 * respondents / target, 2) if target else 100.0
        found.append({KIND: "impact_sample", "sub_dimension": sub_dimension,
                      "respondents": respondents, "target": target,
                      "fill_percent": fill})  # fmt: skip
    return found


def _program_facts(evidence: Evidence) -> list[dict[str, Any]]:
    deadline = dt.date(evidence.year, 10, 31) if evidence.year else dt.date.max
    return [
        {
            KIND: "program",
            "program_id": p.program_id,
            "name": p.name,
            "dimension": p.dimension,
            "sub_dimension": p.sub_dimension,
            "phase": p.phase,
            "start_year": p.start_year,
            "target_year": p.target_year,
            "planning_percent": p.planning_percent,
            "implementation_percent": p.implementation_percent,
            "planning_percent_on_oct_31": p.planning_percent_on(deadline),
            "quick_win_proposed": evidence.year in p.quick_win_years,
            "quick_win_decision": p.quick_win_decision,
        }
        for p in evidence.programs
    ]
