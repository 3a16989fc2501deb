"""GraphQL types of what the survey computes: statistics, item scores, impact, IKM."""

from __future__ import annotations

from typing import Self

import strawberry

from services.contracts import reference
from services.kernel.graphql import assumed
from services.kernel.output_types import FilledByName, translated
from services.survey.domain.ikm import Ikm
from services.survey.domain.instruments import MAX_QUESTIONS
from services.survey.domain.statistics import MOST_VALUES, QuestionStats
from services.survey.handlers.indices import IkmElement, ItemScore
from services.survey.schema.enums import EvaluationDimension


@strawberry.type
class ValueCount:
    value: float
    count: int


@strawberry.type
class QuestionStatistics:
    question_code: str
    n: int
    mean: float | None
    distribution: list[ValueCount] = strawberry.field(
        description="How often each value was given: the most frequent values, at most "
        f"{MOST_VALUES}, in order of value.",
        directives=assumed(MOST_VALUES),
    )

    @classmethod
    def from_domain(cls, stats: QuestionStats) -> Self:
        counts = [ValueCount(value=v, count=c) for v, c in stats.distribution]
        return translated(cls, stats, distribution=counts)


@strawberry.type
class ItemScoreType:
    question_code: str
    evaluation_dimension: EvaluationDimension | None
    smart_dimension: str | None
    sub_dimension: str | None
    assessors: int
    score: float | None = strawberry.field(description="The mean of the assessors' scores.")

    @classmethod
    def from_domain(cls, item: ItemScore) -> Self:
        return translated(cls, item, item.question, question_code=item.question.code)


@strawberry.type
class SubDimensionImpactType(FilledByName):
    sub_dimension: str
    dimension: str
    respondents: int
    quota: int
    fill: float
    below_target: bool
    mean: float | None
    score: float | None


@strawberry.type
class DimensionImpactType(FilledByName):
    dimension: str
    respondents: int
    score: float | None
    below_target: bool


@strawberry.type
class CitizenImpact:
    sub_dimensions: list[SubDimensionImpactType] = strawberry.field(
        directives=assumed(len(reference.DIMENSION_OF_SUB))
    )
    dimensions: list[DimensionImpactType] = strawberry.field(
        directives=assumed(len(reference.DIMENSIONS))
    )


@strawberry.type
class IkmElementType:
    code: str
    name: str
    respondents: int
    nrr: float | None


@strawberry.type
class IkmResult:
    elements: list[IkmElementType] = strawberry.field(directives=assumed(MAX_QUESTIONS))
    weight: float | None
    index: float | None = strawberry.field(description="25-100, rounded half up to 2 decimals.")
    grade: str | None
    grade_label: str | None

    @classmethod
    def from_domain(cls, elements: list[IkmElement], result: Ikm | None) -> Self:
        return cls(
            elements=[
                IkmElementType(
                    code=e.question.code,
                    name=e.question.element,
                    respondents=e.respondents,
                    nrr=float(e.nrr) if e.nrr is not None else None,
                )
                for e in elements
            ],
            weight=float(result.weight) if result else None,
            index=float(result.index) if result else None,
            grade=result.grade if result else None,
            grade_label=result.grade_label if result else None,
        )
