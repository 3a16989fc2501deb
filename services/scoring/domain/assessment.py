"""The methodology applied to a region's evidence, and the facts the rules then match."""

from __future__ import annotations

import dataclasses
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
    exact_mean,
)


@dataclass(frozen=True)
class SurveyBeside:
    """One impact sub-dimension as the assessors scored it and as its citizens answered,
    side by side, whichever of them the methodology counts."""

    sub_dimension: str
    smart_dimension: str
    assessors: Fraction | None  # the mean of its items' assessor scores
    citizens: Fraction | None  # the mean of its items' citizen answers, on the score scale
    mean_answer: Fraction | None  # the same on the citizens' own answer scale
    respondents: int


@dataclass(frozen=True)
class Assessment:
    item_scores: dict[str, Fraction | None]
    dimension_scores: dict[str, Fraction | None]
    coverage: dict[str, tuple[int, int]]  # dimension -> (scored items, items)
    weights: WeightSet
    final_index: Fraction
    smart_dimension_scores: dict[str, Fraction | None]
    impact_survey: tuple[SurveyBeside, ...] = ()
    improvement: float | None = None  # over the previous final, both unrounded


class NoWeights(ValueError):
    pass


def assess(evidence: Evidence, method: Methodology) -> Assessment:
    return assess_parts(evidence, method).assessment


@dataclass(frozen=True)
class Parts:
    """An assessment with the item scores it was made of, by assessors and by citizens."""

    assessment: Assessment
    by_assessors: dict[str, Fraction | None]
    by_citizens: dict[str, Fraction | None]


def assess_parts(
    evidence: Evidence,
    method: Methodology,
    earlier: Parts | None = None,
    changed: Changed | None = None,
) -> Parts:
    """The assessment; with `earlier`, that of evidence of the same questions, year and
    cohort which differs from this only where `changed` says: the rest is taken from it."""
    if earlier is None or changed is None:
        changed, earlier = Changed(frozenset(evidence.questions), True), None
    if earlier is not None:
        weights: WeightSet | None = earlier.assessment.weights
    else:
        weights = method.weights_for(evidence.year, evidence.cohort)
    if weights is None:
        raise NoWeights(f"no weights for year {evidence.year}, cohort {evidence.cohort}")
    by_assessors = dict(earlier.by_assessors) if earlier else {}
    by_citizens = dict(earlier.by_citizens) if earlier else {}
    items = dict(earlier.assessment.item_scores) if earlier else {}
    for code in sorted(changed.codes) if earlier else evidence.questions:
        by_assessors[code] = method.item_score(evidence.assessor_scores.get(code, {}).values())
        by_citizens[code] = citizens_score(code, evidence, method)
        items[code] = (
            _item_score(method, by_assessors[code], by_citizens[code])
            if code in evidence.citizen_answers
            else by_assessors[code]
        )
    touched = {evidence.questions[code].evaluation_dimension for code in changed.codes}
    dimensions = dict(earlier.assessment.dimension_scores) if earlier else {}
    coverage = dict(earlier.assessment.coverage) if earlier else {}
    for dimension in EVALUATION_DIMENSIONS:
        codes = [c for c, q in evidence.questions.items() if q.evaluation_dimension == dimension]
        if not codes or dimension not in touched:
            continue
        dimensions[dimension] = method.dimension_score([items[c] for c in codes])
        coverage[dimension] = (sum(items[c] is not None for c in codes), len(codes))
    touched_smart = {evidence.questions[code].smart_dimension for code in changed.codes}
    smart = dict(earlier.assessment.smart_dimension_scores) if earlier else {}
    for smart_dimension in SMART_DIMENSIONS:
        if smart_dimension not in touched_smart and earlier:
            continue
        scored = [
            score
            for c, q in evidence.questions.items()
            if q.smart_dimension == smart_dimension and (score := items[c]) is not None
        ]
        smart[smart_dimension] = exact_mean(scored)
    final = method.final_index(dimensions, weights)
    if earlier and not changed.samples and not touched & {"impact"}:
        beside = earlier.assessment.impact_survey
    else:
        beside = _survey_beside(evidence, by_assessors, by_citizens)
    improvement = (
        method.improvement(method.weighted_sum(dimensions, weights), evidence.previous_unrounded)
        if evidence.previous_unrounded is not None
        else None
    )
    found = Assessment(items, dimensions, coverage, weights, final, smart, beside, improvement)
    return Parts(found, by_assessors, by_citizens)


@dataclass(frozen=True)
class Changed:
    """Where evidence differs from evidence assessed before: the items whose assessors'
    scores or citizens' answers changed, and whether its citizens' samples did."""

    codes: frozenset[str]
    samples: bool


def _item_score(
    method: Methodology, assessors: Fraction | None, citizens: Fraction | None
) -> Fraction | None:
    combined = method.impact.combine(assessors, citizens)
    return method.rounding.at(method.rounding.items, combined) if combined is not None else None


def _mean_answer(code: str, evidence: Evidence) -> Fraction | None:
    total, count = evidence.citizen_answers.get(code, (0, 0))
    return Fraction(total, count) if count else None


def citizens_score(code: str, evidence: Evidence, method: Methodology) -> Fraction | None:
    """The citizens' mean answer to the item, mapped from their question's own scale."""
    mean = _mean_answer(code, evidence)
    if mean is None:
        return None
    question = evidence.questions[code]
    low, high = evidence.citizen_scales.get(code, (question.answer_min, question.answer_max))
    return method.impact.map(mean, (low, high), (method.scale_min, method.scale_max))


def _survey_beside(
    evidence: Evidence,
    by_assessors: dict[str, Fraction | None],
    by_citizens: dict[str, Fraction | None],
) -> tuple[SurveyBeside, ...]:
    grouped: dict[str, list[str]] = {}
    for code, question in evidence.questions.items():
        if question.evaluation_dimension == "impact" and question.sub_dimension:
            grouped.setdefault(question.sub_dimension, []).append(code)
    return tuple(
        SurveyBeside(
            sub_dimension=sub_dimension,
            smart_dimension=evidence.questions[codes[0]].smart_dimension or "",
            assessors=exact_mean([s for c in codes if (s := by_assessors[c]) is not None]),
            citizens=exact_mean([s for c in codes if (s := by_citizens[c]) is not None]),
            mean_answer=exact_mean(
                [s for c in codes if (s := _mean_answer(c, evidence)) is not None]
            ),
            respondents=evidence.citizen_respondents.get(sub_dimension, 0),
        )
        for sub_dimension, codes in sorted(grouped.items())
    )


def _number(value: Fraction | None) -> float:
    return round(float(value), 6) if value is not None else 0.0


def facts_of(evidence: Evidence, assessment: Assessment) -> list[dict[str, Any]]:
    """The facts of one evaluation, as the fact schemas describe them."""
    return [
        *fixed_facts(evidence, assessment),
        *question_facts(evidence, assessment).values(),
        *impact_sample_facts(evidence),
        *program_facts(evidence),
    ]


def fixed_facts(evidence: Evidence, assessment: Assessment) -> list[dict[str, Any]]:
    """The facts before the questions: the region, the cycle, the final and the dimensions."""
    return [
        _region_fact(evidence),
        _cycle_fact(evidence),
        _final_fact(evidence, assessment),
        *_dimension_facts(assessment),
    ]


def _region_fact(evidence: Evidence) -> dict[str, Any]:
    return {KIND: "region", **dataclasses.asdict(evidence.region)}


def _cycle_fact(evidence: Evidence) -> dict[str, Any]:
    return {
        KIND: "cycle",
        "cycle_id": evidence.cycle.id,
        "year": evidence.year,
        "cohort": evidence.cohort,
        "stage": str(evidence.cycle.stage or ""),
    }


def _final_fact(evidence: Evidence, assessment: Assessment) -> dict[str, Any]:
    return {
        KIND: "final",
        "index": float(assessment.final_index),
        "previous_index": evidence.previous_final or 0.0,
        "improvement": assessment.improvement or 0.0,
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


def question_facts(evidence: Evidence, assessment: Assessment) -> dict[str, dict[str, Any]]:
    """The scored items' facts, by code, in the instrument's order."""
    return {
        code: fact
        for code in evidence.questions
        if (fact := question_fact(code, evidence, assessment)) is not None
    }


def question_fact(code: str, evidence: Evidence, assessment: Assessment) -> dict[str, Any] | None:
    """The item's fact, or None while it is not scored."""
    score = assessment.item_scores[code]
    if score is None:
        return None
    question = evidence.questions[code]
    by_assessors = list(evidence.assessor_scores.get(code, {}).values())
    spread = max(by_assessors) - min(by_assessors) if by_assessors else 0
    return {KIND: "question", "code": code,
            "dimension": question.evaluation_dimension or "",
            "smart_dimension": question.smart_dimension or "",
            "sub_dimension": question.sub_dimension or "",
            "score": _number(score), "assessors": len(by_assessors),
            "spread": spread}  # fmt: skip


def impact_sample_facts(evidence: Evidence) -> list[dict[str, Any]]:
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


def program_facts(evidence: Evidence) -> list[dict[str, Any]]:
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
