"""Responses: one respondent's answers to a campaign, accepted whole or not at all."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass

from services.contracts.events.survey import ResponseAccepted, ResponseKind
from services.contracts.reference import DIMENSION_OF_SUB
from services.kernel.aggregate import Aggregate
from services.kernel.errors import BadUserInput, ProblemCollector
from services.survey.domain.answers import Answer, check_answer
from services.survey.domain.campaigns import Audience, Campaign
from services.survey.domain.instruments import MAX_QUESTIONS, Instrument, Question

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,100}\Z")
MAX_ANSWERS = MAX_QUESTIONS  # one a question


@dataclass(kw_only=True)
class Response(Aggregate):
    id: str
    campaign_id: str
    region_code: str
    cycle_id: str
    audience: Audience
    instrument_key: str
    instrument_version: int
    respondent: str
    idempotency_key: str
    sub_dimension: str | None
    answers: tuple[Answer, ...]
    submitted_at: dt.datetime

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.campaign_id, self.respondent, self.sub_dimension, self.answers)

    @classmethod
    def accept(
        cls,
        *,
        id: str,
        campaign: Campaign,
        instrument: Instrument,
        respondent: str,
        idempotency_key: str,
        sub_dimension: str | None,
        answers: tuple[Answer, ...],
        at: dt.datetime,
    ) -> Response:
        if campaign.audience is Audience.ASSESSOR:
            raise BadUserInput(
                "assessors score with scoreAnswer, one question at a time", "campaignId"
            )
        campaign.require_open()
        if len(answers) > MAX_ANSWERS:  # refused whole, before each is checked
            raise BadUserInput(f"at most {MAX_ANSWERS} answers", "answers")
        problems = ProblemCollector()
        problems.check(
            bool(IDEMPOTENCY_KEY.match(idempotency_key)),
            "idempotencyKey",
            "an idempotency key is 8-100 letters, digits or _ . : -",
        )
        expected = _expected_questions(problems, instrument, campaign.audience, sub_dimension)
        _check_answers(
            problems, instrument, expected, answers, complete=campaign.audience is Audience.CITIZEN
        )
        problems.raise_if_any()
        response = cls(
            id=id, **campaign.placement(), audience=campaign.audience, respondent=respondent,
            idempotency_key=idempotency_key, sub_dimension=sub_dimension, answers=answers,
            submitted_at=at,
        )  # fmt: skip
        if campaign.audience is Audience.SELF_ASSESSMENT:  # citizens are published in batches
            response.events.append(
                ResponseAccepted.of(
                    response, response_id=id, kind=ResponseKind.SELF_ASSESSMENT,
                    answers=tuple(a.as_data() for a in answers), submitted_at=at.isoformat(),
                )
            )  # fmt: skip
        return response


def response_id(campaign: Campaign, respondent: str, idempotency_key: str) -> str:
    """A response's id follows from what makes it unique, so storing it twice cannot happen.

    A citizen answers a campaign once; other respondents once per idempotency key.
    """
    if campaign.audience is Audience.CITIZEN:
        unique = f"{campaign.id}|respondent|{respondent}"
    else:
        unique = f"{campaign.id}|key|{idempotency_key}"
    return hashlib.sha256(unique.encode()).hexdigest()[:24]


def fingerprint(
    campaign_id: str, respondent: str, sub_dimension: str | None, answers: tuple[Answer, ...]
) -> str:
    """What makes two submissions the same submission, however often it was retried."""
    body = {
        "campaign": campaign_id,
        "respondent": respondent,
        "sub_dimension": sub_dimension,
        "answers": sorted((a.as_data() for a in answers), key=lambda a: a["question_code"]),
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _expected_questions(
    problems: ProblemCollector,
    instrument: Instrument,
    audience: Audience,
    sub_dimension: str | None,
) -> dict[str, Question]:
    """The questions a response may answer: a citizen answers those of their sub-dimension."""
    questions = instrument.questions()
    by_sub_dimension = any(q.sub_dimension for q in questions.values())
    if audience is not Audience.CITIZEN or not by_sub_dimension:
        problems.check(sub_dimension is None, "subDimension", "this campaign has no sub-dimensions")
        return questions
    if sub_dimension not in DIMENSION_OF_SUB:
        problems.add("subDimension", "a citizen response names the sub-dimension it answers")
        return {}
    return {q.code: q for q in instrument.questions_of_sub_dimension(sub_dimension)}


def _check_answers(
    problems: ProblemCollector,
    instrument: Instrument,
    expected: dict[str, Question],
    answers: tuple[Answer, ...],
    *,
    complete: bool,
) -> None:
    known = instrument.questions()
    seen: set[str] = set()
    for answer in answers:
        code = answer.question_code
        if code in seen:
            problems.add(f"answers[{code}]", f"{code} is answered twice")
            continue
        seen.add(code)
        if code not in known:
            problems.add(f"answers[{code}]", f"{code} is not a question of {instrument.id}")
        elif code not in expected:
            problems.add(f"answers[{code}]", f"{code} is not asked of this respondent")
        else:
            check_answer(problems, expected[code], answer)
    if complete:
        for code, question in expected.items():
            problems.check(
                code in seen or not question.required, f"answers[{code}]", f"{code} is required"
            )
