"""What the survey computes from its responses and scores, and who may read it."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from fractions import Fraction

from services.kernel import cells
from services.kernel.auth import Principal
from services.kernel.repository import every
from services.survey import domain
from services.survey.access import is_insider, refuse
from services.survey.domain.ikm import Ikm, ikm
from services.survey.domain.statistics import (
    CitizenResponse,
    DimensionImpact,
    ImpactMapping,
    QuestionStats,
    SubDimensionImpact,
    citizen_impact,
    item_score,
    question_stats,
)
from services.survey.handlers.common import instrument_of
from services.survey.repository import ScoreFilter, Survey


async def require_reader(
    survey: Survey, principal: Principal, campaign: domain.Campaign, *, raw: bool
) -> None:
    """Aggregates of a closed campaign are public; raw answers and open campaigns are not."""
    if not raw and campaign.status is domain.CampaignStatus.CLOSED:
        return
    if not await is_insider(survey, principal, campaign.region_code, campaign.cycle_id):
        raise refuse(principal, f"the results of campaign {campaign.id}")


async def responses_of(survey: Survey, campaign: domain.Campaign) -> list[domain.Response]:
    return await every(lambda page: survey.responses.of_campaign(campaign.id, page), lambda r: r.id)


async def scores_of(survey: Survey, campaign: domain.Campaign) -> list[domain.AssessorScore]:
    where = ScoreFilter(campaign_id=campaign.id)
    return await every(lambda page: survey.scores.list(where, page), lambda s: s.id)


@dataclass(frozen=True)
class ItemScore:
    question: domain.Question
    assessors: int
    score: float | None
    stats: QuestionStats


async def item_scores(survey: Survey, campaign: domain.Campaign) -> list[ItemScore]:
    """Each question's score: the mean of its assessors' current scores."""
    instrument = await instrument_of(survey, campaign)
    by_question: dict[str, list[int]] = {}
    for score in await scores_of(survey, campaign):
        by_question.setdefault(score.question_code, []).append(score.score)
    return [
        ItemScore(
            question=question,
            assessors=len(by_question.get(code, [])),
            score=item_score(by_question.get(code, [])),
            stats=question_stats(code, map(float, by_question.get(code, []))),
        )
        for code, question in instrument.questions().items()
    ]


async def question_statistics(survey: Survey, campaign: domain.Campaign) -> list[QuestionStats]:
    if campaign.audience is domain.Audience.ASSESSOR:
        return [item.stats for item in await item_scores(survey, campaign)]
    instrument = await instrument_of(survey, campaign)
    values: dict[str, list[float]] = {code: [] for code in instrument.questions()}
    for response in await responses_of(survey, campaign):
        for answer in response.answers:
            number = answer.numeric()
            if number is not None:
                values[answer.question_code].append(number)
    return [question_stats(code, numbers) for code, numbers in values.items()]


async def impact(
    survey: Survey, campaign: domain.Campaign, mapping: ImpactMapping
) -> tuple[list[SubDimensionImpact], list[DimensionImpact]]:
    instrument = await instrument_of(survey, campaign)
    responses = [
        CitizenResponse(r.sub_dimension, r.answers) for r in await responses_of(survey, campaign)
    ]
    return citizen_impact(instrument, responses, campaign.quota_per_sub_dimension, mapping)


@dataclass(frozen=True)
class IkmElement:
    question: domain.Question
    respondents: int
    nrr: Fraction | None


async def ikm_of(
    survey: Survey, campaign: domain.Campaign, *, published_rounding: bool
) -> tuple[list[IkmElement], Ikm | None]:
    """NRR per service element (its mean answer) and the index, once every element has answers."""
    instrument = await instrument_of(survey, campaign)
    answers: dict[str, list[int]] = {code: [] for code in instrument.questions()}
    for response in await responses_of(survey, campaign):
        for answer in response.answers:
            if answer.score is not None:
                answers[answer.question_code].append(answer.score)
    elements = [
        IkmElement(question, len(values), Fraction(sum(values), len(values)) if values else None)
        for question, values in zip(instrument.questions().values(), answers.values(), strict=True)
    ]
    nrr = tuple(e.nrr for e in elements if e.nrr is not None)
    if len(nrr) < len(elements):
        return elements, None
    return elements, ikm(nrr, published_rounding=published_rounding)


def responses_csv(instrument: domain.Instrument, responses: list[domain.Response]) -> str:
    """One row per response, one column per question; citizens stay anonymous."""
    codes = list(instrument.questions())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["response_id", "submitted_at", "audience", "respondent", "sub_dimension", *codes]
    )
    for response in responses:
        by_code = {a.question_code: a for a in response.answers}
        citizen = response.audience is domain.Audience.CITIZEN
        row = [
            response.id,
            response.submitted_at.isoformat(),
            response.audience.value,
            "" if citizen else response.respondent,
            response.sub_dimension or "",
            *(_cell(by_code.get(code)) for code in codes),
        ]
        writer.writerow([cells.inert(value) for value in row])
    return out.getvalue()


def _cell(answer: domain.Answer | None) -> str:
    if answer is None:
        return ""
    parts = []
    for name, value in answer.given().items():
        if isinstance(value, tuple):
            value = ";".join(value)
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        parts.append(str(value) if name != "evidence" else f"evidence: {value}")
    return " | ".join(parts)
