"""The results letter: what the ministry sends a region for a cycle, as plain data.

It carries the evaluation-dimension scores with their weights, the final index and grade,
the change from the previous year, the region's rank, and each assessor's strengths
(Kekuatan), weaknesses (Kelemahan) and recommendations (Rekomendasi).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services.scoring.domain.ranking import CycleRanking
from services.scoring.domain.scorecards import DimensionScore, Scorecard, Source

KINDS = ("strength", "weakness", "recommendation")


@dataclass(frozen=True)
class Finding:
    assessor: str  # registry id
    kind: str  # strength, weakness or recommendation
    text: str


@dataclass(frozen=True)
class LetterFacts:
    """What the letter needs beyond the scorecard, as scoring learnt it from events."""

    region_name: str
    province: str
    stage: str
    findings: tuple[Finding, ...]  # in the order they were written
    assessors: dict[str, tuple[str, str]]  # registry id -> (name, institution)


@dataclass(frozen=True)
class AssessorFindings:
    name: str
    institution: str
    strengths: tuple[str, ...]
    weaknesses: tuple[str, ...]
    recommendations: tuple[str, ...]


@dataclass(frozen=True)
class Letter:
    region_code: str
    region_name: str
    province: str
    year: int
    stage: str
    cohort: str
    dimensions: tuple[DimensionScore, ...]
    final_index: float
    grade: str | None
    previous_final_index: float | None
    improvement: float | None
    rank: int | None
    ranked: int  # regions ranked in the cycle
    rank_in_cohort: int | None
    ranked_in_cohort: int
    assessors: tuple[AssessorFindings, ...]
    published_in: str  # the document a published result came from; "" for a computed one
    revision: int
    computed_at: dt.datetime


def letter_of(
    card: Scorecard, facts: LetterFacts, ranking: CycleRanking, cohort_size: int
) -> Letter:
    """`cohort_size`: how many regions of the card's cohort the cycle ranks."""
    content = card.content
    return Letter(
        region_code=card.region_code, region_name=facts.region_name, province=facts.province,
        year=card.year,
        stage=facts.stage, cohort=card.cohort, dimensions=content.dimensions,
        final_index=content.final_index, grade=content.grade,
        previous_final_index=content.previous_final_index, improvement=content.improvement,
        rank=ranking.overall.get(card.region_code), ranked=len(ranking.overall),
        rank_in_cohort=ranking.in_cohort.get(card.region_code), ranked_in_cohort=cohort_size,
        assessors=_by_assessor(facts),
        published_in=card.document if card.source is Source.PUBLISHED else "",
        revision=card.revision, computed_at=card.computed_at,
    )  # fmt: skip


def _by_assessor(facts: LetterFacts) -> tuple[AssessorFindings, ...]:
    """Each assessor's findings, assessors in the order they first wrote one."""
    written: dict[str, dict[str, list[str]]] = {}
    for finding in facts.findings:
        kinds = written.setdefault(finding.assessor, {kind: [] for kind in KINDS})
        if finding.kind in kinds:
            kinds[finding.kind].append(finding.text)
    return tuple(
        AssessorFindings(
            name=facts.assessors.get(assessor, (assessor, ""))[0],
            institution=facts.assessors.get(assessor, (assessor, ""))[1],
            strengths=tuple(kinds["strength"]),
            weaknesses=tuple(kinds["weakness"]),
            recommendations=tuple(kinds["recommendation"]),
        )
        for assessor, kinds in written.items()
    )
