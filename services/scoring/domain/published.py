"""Results of earlier years as the ministry published them: per region and cycle the
evaluation-dimension scores, their weights, the final and the document they came from.

A published result is kept as it was published. Its final is also recomputed from its
dimension scores and weights: that unrounded value is what the next year's improvement is
measured from, and a row whose published final is further from it than the published
rounding allows is flagged.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from fractions import Fraction

from services.kernel.errors import ProblemCollector
from services.scoring.domain.methodology import (
    EVALUATION_DIMENSIONS,
    Methodology,
    WeightSet,
    half_up,
)
from services.scoring.domain.scorecards import (
    PLACES,
    Content,
    DimensionScore,
    Scorecard,
    scorecard_id,
)

# the published dimension scores and the final are each rounded to 2 places: a final
# recomputed from them lands within 0.015 of the published one (PRODUCT's worked examples)
AGREEMENT = Fraction(15, 1000)
PUBLISHED_PLACES = 2
MAX_ROWS = 1000
RULE = "published-results"
REGION_CODE = re.compile(r"^[0-9]{2}\.[0-9]{2}\Z")
COHORT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}\Z")


@dataclass(frozen=True, kw_only=True)
class PublishedResult:
    region_code: str
    cycle_id: str
    year: int
    cohort: str
    scores: dict[str, Fraction]  # evaluation dimension -> published score
    weights: dict[str, int]  # evaluation dimension -> percent
    final_index: Fraction
    document: str  # the letter or report it was published in
    grade: str | None = None

    @property
    def scorecard_id(self) -> str:
        return scorecard_id(self.region_code, self.cycle_id)

    @property
    def recomputed_final(self) -> Fraction:
        weights = WeightSet(self.year, self.cohort, self.weights)
        return Methodology(weights=(weights,)).weighted_sum(dict(self.scores), weights)

    def check(self, problems: ProblemCollector, at: str, scale_max: int) -> None:
        """Every problem of the row, each at its field (`rows[3].finalIndex`)."""
        problems.check(
            bool(REGION_CODE.match(self.region_code)),
            f"{at}.regionCode",
            "a region code looks like 35.07",
        )
        problems.check(2000 <= self.year <= 2100, f"{at}.year", "year is from 2000 to 2100")
        problems.check(bool(COHORT.match(self.cohort)), f"{at}.cohort", "cohort is a short slug")
        problems.text(f"{at}.document", self.document, 200)
        if self.grade is not None:
            problems.text(f"{at}.grade", self.grade, 40)
        top = Fraction(scale_max)
        problems.check(
            0 <= self.final_index <= top, f"{at}.finalIndex", f"the final is from 0 to {scale_max}"
        )
        problems.check(bool(self.scores), f"{at}.scores", "give each dimension's score")
        for dimension, score in self.scores.items():
            field = f"{at}.scores.{dimension}"
            if dimension not in EVALUATION_DIMENSIONS:
                problems.add(field, f"{dimension} is not an evaluation dimension")
            problems.check(0 <= score <= top, field, f"a score is from 0 to {scale_max}")
            problems.check(dimension in self.weights, field, f"{dimension} has no weight")
        for dimension, weight in self.weights.items():
            problems.check(
                0 <= weight <= 100 and (dimension in self.scores or weight == 0),
                f"{at}.weights.{dimension}",
                f"a weight is 0-100 percent of a dimension with a score ({dimension})",
            )
        total = sum(self.weights.values())
        problems.check(total == 100, f"{at}.weights", f"the weights sum to {total}, not 100")


def published_scorecard(
    result: PublishedResult,
    method: Methodology | None,
    previous: Scorecard | None,
    at: dt.datetime,
) -> Scorecard:
    """The scorecard of a published result; `previous` is the region's latest earlier one and
    `method` the active methodology, whose grade bands grade a result published without one
    and whose weights for the year and cohort are compared with the published ones."""
    recomputed = result.recomputed_final
    content = Content(
        ruleset_version=0,
        final_index=float(result.final_index),
        grade=result.grade or (method.grade(result.final_index) if method else None),
        dimensions=_dimensions(result),
        smart_dimensions={},
        previous_final_index=previous.content.final_index if previous else None,
        improvement=_improvement(recomputed, previous),
        flags=_flags(result, recomputed, method),
        unrounded_final_index=round(float(recomputed), 6),
    )
    return Scorecard.imported(
        region_code=result.region_code, cycle_id=result.cycle_id, cohort=result.cohort,
        year=result.year, content=content, document=result.document, at=at,
    )  # fmt: skip


def _dimensions(result: PublishedResult) -> tuple[DimensionScore, ...]:
    """In the methodology's order of dimensions; a published table counts no items."""
    return tuple(
        DimensionScore(
            dimension=dimension,
            score=float(result.scores[dimension]),
            weight=result.weights.get(dimension, 0),
            scored_items=0,
            items=0,
        )
        for dimension in EVALUATION_DIMENSIONS
        if dimension in result.scores
    )


def _improvement(recomputed: Fraction, previous: Scorecard | None) -> float | None:
    if previous is None:
        return None
    change = recomputed - Fraction(str(previous.content.unrounded))
    return float(half_up(change, PUBLISHED_PLACES))


def _flags(
    result: PublishedResult, recomputed: Fraction, method: Methodology | None
) -> tuple[dict[str, str], ...]:
    flags = []
    if abs(recomputed - result.final_index) > AGREEMENT:
        flags.append({
            "rule": RULE, "code": "published-final-disagrees", "severity": "warning",
            "message": f"the published final {float(result.final_index):.2f} is not the "
            f"{float(recomputed):.{PLACES}f} its dimension scores and weights give",
        })  # fmt: skip
    expected = method.weights_for(result.year, result.cohort) if method else None
    if expected is not None and dict(expected.weights) != {
        d: w for d, w in result.weights.items() if w
    }:
        flags.append({
            "rule": RULE, "code": "published-weights-differ", "severity": "info",
            "message": f"the published weights are not the methodology's for {result.year}, "
            f"cohort {result.cohort}",
        })  # fmt: skip
    return tuple(flags)


def with_previous(card: Scorecard, previous: Scorecard | None) -> Content:
    """A published scorecard's content measured against a previous result imported after it."""
    return replace(
        card.content,
        previous_final_index=previous.content.final_index if previous else None,
        improvement=_improvement(Fraction(str(card.content.unrounded)), previous),
    )
