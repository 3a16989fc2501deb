"""Per-question statistics, assessor item scores and citizen impact on the 0-4 scale."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from statistics import fmean

from services.contracts.impact import METHODOLOGY_MAPPING, ImpactMapping, on_score_scale
from services.contracts.reference import DIMENSION_OF_SUB
from services.survey.domain.answers import Answer
from services.survey.domain.instruments import Instrument

EVALUATION_SCALE = (0, 4)
MOST_VALUES = 10  # in a distribution: a scale's every point, a number's most frequent values


@dataclass(frozen=True)
class QuestionStats:
    question_code: str
    n: int
    mean: float | None
    distribution: tuple[tuple[float, int], ...]


def question_stats(question_code: str, values: Iterable[float]) -> QuestionStats:
    counted = Counter(values)
    n = sum(counted.values())
    mean = fmean(counted.elements()) if n else None
    frequent = sorted(counted.most_common(MOST_VALUES))
    return QuestionStats(question_code, n, mean, tuple(frequent))


def item_score(assessor_scores: Iterable[int]) -> float | None:
    """A question's score: the plain mean of its assessors' current scores."""
    scores = list(assessor_scores)
    return fmean(scores) if scores else None


def to_evaluation_scale(mean: float, scale: tuple[int, int], mapping: ImpactMapping) -> float:
    """A citizen mean on its answer scale as a point on the 0-4 evaluation scale, as the
    scorecard maps it (`contracts.impact`)."""
    return float(on_score_scale(Fraction(mean), scale, EVALUATION_SCALE, mapping))


@dataclass(frozen=True)
class SubDimensionImpact:
    sub_dimension: str
    dimension: str
    respondents: int
    quota: int
    mean: float | None
    score: float | None
    question_means: tuple[tuple[str, float | None], ...]

    @property
    def fill(self) -> float:
        return self.respondents / self.quota

    @property
    def below_target(self) -> bool:
        return self.respondents < self.quota


@dataclass(frozen=True)
class DimensionImpact:
    dimension: str
    respondents: int
    score: float | None
    below_target: bool


@dataclass(frozen=True)
class CitizenResponse:
    sub_dimension: str | None
    answers: tuple[Answer, ...]


def citizen_impact(
    instrument: Instrument,
    responses: Iterable[CitizenResponse],
    quota: int,
    mapping: ImpactMapping = METHODOLOGY_MAPPING,
) -> tuple[list[SubDimensionImpact], list[DimensionImpact]]:
    """Impact per sub-dimension (mean of its question means) and per dimension (mean of those)."""
    values: dict[str, list[float]] = {}
    respondents: Counter[str] = Counter()
    for response in responses:
        if response.sub_dimension:
            respondents[response.sub_dimension] += 1
        for answer in response.answers:
            number = answer.numeric()
            if number is not None:
                values.setdefault(answer.question_code, []).append(number)
    subs = []
    for sub_dimension, dimension in DIMENSION_OF_SUB.items():
        questions = instrument.questions_of_sub_dimension(sub_dimension)
        if not questions:
            continue
        means = tuple(
            (q.code, fmean(values[q.code]) if values.get(q.code) else None) for q in questions
        )
        known = [m for _, m in means if m is not None]
        mean = fmean(known) if known else None
        scale = questions[0].scale or (1, 4)
        score = to_evaluation_scale(mean, scale, mapping) if mean is not None else None
        subs.append(
            SubDimensionImpact(
                sub_dimension, dimension, respondents[sub_dimension], quota, mean, score, means
            )
        )
    dimensions = []
    for dimension in dict.fromkeys(s.dimension for s in subs):
        of_dimension = [s for s in subs if s.dimension == dimension]
        scores = [s.score for s in of_dimension if s.score is not None]
        dimensions.append(
            DimensionImpact(
                dimension=dimension,
                respondents=sum(s.respondents for s in of_dimension),
                score=fmean(scores) if scores else None,
                below_target=any(s.below_target for s in of_dimension),
            )
        )
    return subs, dimensions
