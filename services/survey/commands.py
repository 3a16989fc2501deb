"""What callers ask the survey service to do, as plain data.

Most commands are also the declaration of their GraphQL input: the input in
`schema/inputs.py` subclasses its command, restating only what GraphQL shows differently (an
`ID`, a list). Annotations here are evaluated (no `from __future__ import annotations`), so
GraphQL reads them as types wherever the subclass lives.
"""

from dataclasses import dataclass

from services.survey import domain
from services.survey.domain.assessments import AssignmentFields


@dataclass(frozen=True)
class PublishInstrument:
    key: str
    version: int
    title: str
    sections: tuple[domain.Section, ...]


@dataclass
class OpenCampaign:
    instrument_key: str
    instrument_version: int
    region_code: str
    cycle_id: str
    audience: domain.Audience
    quota_per_sub_dimension: int = 50
    service: str = ""


@dataclass(frozen=True)
class CloseCampaign:
    id: str


@dataclass
class IssueRespondentTokens:
    campaign_id: str
    count: int
    sub_dimension: str | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True)
class SubmitResponse:
    campaign_id: str
    idempotency_key: str
    answers: tuple[domain.Answer, ...]
    respondent_token: str | None = None


@dataclass(kw_only=True)
class AssignAssessors(AssignmentFields):
    """Assessors to assign: every field an assignment has but its key."""


@dataclass
class ScoreAnswer:
    campaign_id: str
    question_code: str
    score: int
    note: str = ""


@dataclass
class QuestionScore:
    question_code: str
    score: int
    note: str = ""


@dataclass
class ScoreAnswers:
    """Scores of any part of a questionnaire, or all of it, by the assessor asking."""

    campaign_id: str
    scores: tuple[QuestionScore, ...]


@dataclass
class RegisterAssessor:
    name: str
    institution: str
    id: str | None = None  # a new assessor's id is made when none is given


@dataclass
class AddFinding:
    region_code: str
    cycle_id: str
    kind: domain.FindingKind
    text: str
