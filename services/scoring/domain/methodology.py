"""The methodology part of a rule set: scale, aggregation, rounding, weights and grades.

Item scores are means over assessors, an evaluation dimension's score is the mean of its
item scores, and the final index is the weighted sum of the dimension scores. All of it is
exact (fractions) until the rounding the methodology asks for.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from enum import StrEnum
from fractions import Fraction

from services.contracts.impact import ImpactMapping, Scale, on_score_scale
from services.contracts.reference import DIMENSIONS, EvaluationDimension

EVALUATION_DIMENSIONS = tuple(d.value for d in EvaluationDimension)
SMART_DIMENSIONS = tuple(d.key for d in DIMENSIONS)
ANY = "*"

# what a rule set that names no impact mapping meant when it was stored, and still means
UNNAMED_MAPPING = ImpactMapping.IDENTITY


def exact_sum(values: Iterable[Fraction]) -> Fraction:
    """The sum of fractions, over their common denominator: one fraction is made, where
    adding them one by one reduces each partial sum (a region's items have few distinct
    denominators)."""
    values = list(values)
    common = math.lcm(*{v.denominator for v in values}) if values else 1
    return Fraction(sum(v.numerator * (common // v.denominator) for v in values), common)


def exact_mean(values: list[Fraction]) -> Fraction | None:
    return exact_sum(values) / len(values) if values else None


def half_up(value: Fraction, places: int) -> Fraction:
    with localcontext() as context:
        context.prec = 60
        decimal = Decimal(value.numerator) / Decimal(value.denominator)
        rounded = decimal.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return Fraction(rounded)


@dataclass(frozen=True)
class WeightSet:
    """Weights in percent per evaluation dimension, for a year and a cohort (or any)."""

    year: int | str
    cohort: str
    weights: Mapping[str, int]

    def applies_to(self, year: int, cohort: str) -> bool:
        return self.year in (year, ANY) and self.cohort in (cohort, ANY)

    @property
    def specificity(self) -> int:
        return (self.year != ANY) * 2 + (self.cohort != ANY)


@dataclass(frozen=True)
class GradeBand:
    minimum: Fraction
    grade: str


@dataclass(frozen=True)
class Rounding:
    """Decimal places at each stage; None keeps that stage exact."""

    items: int | None = None
    dimensions: int | None = None
    final: int | None = 2

    def at(self, stage: int | None, value: Fraction) -> Fraction:
        return value if stage is None else half_up(value, stage)


class ImpactSource(StrEnum):
    """Who scores the impact items: the assessors (the published practice), the citizens'
    survey, or a weighted blend of the two."""

    ASSESSORS = "assessors"
    CITIZENS = "citizens"
    BLEND = "blend"


@dataclass(frozen=True)
class Impact:
    """Where the impact items' scores come from, and how citizens' answers are put on the
    score scale."""

    source: ImpactSource = ImpactSource.ASSESSORS
    citizens_percent: int = 50  # the citizens' share of a blend
    mapping: ImpactMapping = UNNAMED_MAPPING

    def map(self, mean_answer: Fraction, answers: Scale, scores: Scale) -> Fraction:
        return on_score_scale(mean_answer, answers, scores, self.mapping)

    def combine(self, assessors: Fraction | None, citizens: Fraction | None) -> Fraction | None:
        """The item's score from the assessors' mean and the citizens' mapped mean. Assessors
        alone is the published practice; the citizens, or a blend, fall back on whichever of
        the two was given when the other was not."""
        if self.source is ImpactSource.ASSESSORS:
            return assessors
        if citizens is None or assessors is None:
            return citizens if citizens is not None else assessors
        if self.source is ImpactSource.CITIZENS:
            return citizens
        share = Fraction(self.citizens_percent, 100)
        return share * citizens + (1 - share) * assessors


@dataclass(frozen=True)
class Methodology:
    weights: tuple[WeightSet, ...]
    scale_min: int = 0
    scale_max: int = 4
    rounding: Rounding = field(default_factory=Rounding)
    grades: tuple[GradeBand, ...] = ()
    impact: Impact = field(default_factory=Impact)
    unscored_items: str = "exclude"  # or "zero"

    def weights_for(self, year: int, cohort: str) -> WeightSet | None:
        candidates = [w for w in self.weights if w.applies_to(year, cohort)]
        return max(candidates, key=lambda w: w.specificity, default=None)

    def item_score(self, assessor_scores: Iterable[int]) -> Fraction | None:
        scores = list(assessor_scores)
        if not scores:
            return None
        return self.rounding.at(self.rounding.items, Fraction(sum(scores), len(scores)))

    def dimension_score(self, item_scores: list[Fraction | None]) -> Fraction | None:
        counted = [
            s if s is not None else Fraction(0)
            for s in item_scores
            if s is not None or self.unscored_items == "zero"
        ]
        if not counted:
            return None
        return self.rounding.at(self.rounding.dimensions, exact_sum(counted) / len(counted))

    def weighted_sum(
        self, dimension_scores: Mapping[str, Fraction | None], weights: WeightSet
    ) -> Fraction:
        """The final index before its rounding: the letters' improvement is between these."""
        return exact_sum(
            Fraction(w, 100) * (dimension_scores.get(d) or Fraction(0))
            for d, w in weights.weights.items()
        )

    def final_index(
        self, dimension_scores: Mapping[str, Fraction | None], weights: WeightSet
    ) -> Fraction:
        return self.rounding.at(self.rounding.final, self.weighted_sum(dimension_scores, weights))

    def improvement(self, unrounded: Fraction, previous_unrounded: float) -> float:
        """The change from the previous final, both unrounded, rounded as the final is."""
        change = unrounded - Fraction(str(previous_unrounded))
        return float(self.rounding.at(self.rounding.final, change))

    def grade(self, final_index: Fraction) -> str | None:
        ordered = sorted(self.grades, key=lambda band: band.minimum, reverse=True)
        return next((band.grade for band in ordered if final_index >= band.minimum), None)
