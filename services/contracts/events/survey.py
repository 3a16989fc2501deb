"""What the survey service publishes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar

from services.contracts.reference import EvaluationDimension
from services.kernel.events import Event


class Audience(StrEnum):
    """Whom a campaign asks."""

    SELF_ASSESSMENT = "self_assessment"
    ASSESSOR = "assessor"
    CITIZEN = "citizen"


class ResponseKind(StrEnum):
    """What a response is: a whole questionnaire from one audience, or one assessor's score
    of one question."""

    SELF_ASSESSMENT = "self_assessment"
    ASSESSOR = "assessor"
    CITIZEN = "citizen"
    ASSESSOR_SCORE = "assessor_score"


@dataclass(frozen=True)
class PublishedQuestion:
    """A question of a published instrument."""

    code: str
    type: str
    evaluation_dimension: EvaluationDimension | None
    smart_dimension: str | None
    sub_dimension: str | None
    scale_min: int | None
    scale_max: int | None
    text: str = ""
    element: str = ""
    options: tuple[str, ...] = ()
    required: bool = True


@dataclass(frozen=True)
class PublishedSection:
    code: str
    title: str
    questions: tuple[PublishedQuestion, ...]


@dataclass(frozen=True)
class InstrumentDocument:
    """A published instrument: its sections and their questions, as the survey keeps it."""

    key: str
    version: int
    title: str
    sections: tuple[PublishedSection, ...]
    published_by: str = ""


@dataclass(frozen=True)
class InstrumentPublished(Event):
    subject: ClassVar[str] = "smartcity.survey.instrument.published"
    key_field: ClassVar[str] = "id"
    id: str
    document: InstrumentDocument


@dataclass(frozen=True)
class CampaignState:
    """A campaign as the survey publishes it, after a change."""

    id: str
    instrument_key: str
    instrument_version: int
    region_code: str
    cycle_id: str
    audience: Audience
    quota_per_sub_dimension: int
    service: str


@dataclass(frozen=True)
class CampaignOpened(Event, CampaignState):
    subject: ClassVar[str] = "smartcity.survey.campaign.opened"
    key_field: ClassVar[str] = "id"


@dataclass(frozen=True)
class CampaignClosed(Event, CampaignState):
    subject: ClassVar[str] = "smartcity.survey.campaign.closed"
    key_field: ClassVar[str] = "id"


@dataclass(frozen=True)
class RespondentTokensIssued(Event):
    """One-time respondent tokens issued for a citizen campaign, within its quota."""

    subject: ClassVar[str] = "smartcity.survey.respondent_tokens.issued"
    key_field: ClassVar[str] = "campaign_id"
    campaign_id: str
    region_code: str
    sub_dimension: str | None
    count: int
    issued: int  # for the sub-dimension (or the campaign) so far, this batch included
    quota: int
    issued_by: str


@dataclass(frozen=True)
class ResponseAccepted(Event):
    """A stored self-assessment. (Until batches were published, citizens' answers and
    assessors' scores came one response an event here too; now they come in
    `ResponsesAccepted`, and a consumer keeps reading this type for streams written before.)"""

    subject: ClassVar[str] = "smartcity.survey.response.accepted"
    key_field: ClassVar[str] = "response_id"
    response_id: str
    kind: ResponseKind
    campaign_id: str
    region_code: str
    cycle_id: str
    instrument_key: str
    instrument_version: int
    respondent: str
    sub_dimension: str | None
    answers: tuple[dict[str, Any], ...]
    submitted_at: str
    revision: int = 1


@dataclass(frozen=True)
class GivenAnswer:
    """One answer inside a batch, with the one value its question asks for."""

    question_code: str
    score: int | None = None
    number: float | None = None
    text: str | None = None
    choice: str | None = None
    choices: tuple[str, ...] = ()
    yes: bool | None = None
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class AcceptedItem:
    """One response of an accepted batch: a citizen's answers, or an assessor's score of one
    question. `revision` counts an assessor's changes of that score (a citizen answers once)."""

    response_id: str
    respondent: str
    sub_dimension: str | None
    answers: tuple[GivenAnswer, ...]
    revision: int = 1


@dataclass(frozen=True)
class ResponsesAccepted(Event):
    """A batch of responses accepted in one request, for one campaign: an assessor's scores of
    a questionnaire (`assessor_score`), or a field app's synced citizens (`citizen`).

    A batch sent again after a lost reply is published again with the same items: each item's
    `response_id` (and, for a score, its `revision`) tells a consumer what it has applied.
    """

    subject: ClassVar[str] = "smartcity.survey.responses.accepted"
    key_field: ClassVar[str] = "batch_id"
    batch_id: str
    kind: ResponseKind
    campaign_id: str
    region_code: str
    cycle_id: str
    instrument_key: str
    instrument_version: int
    submitted_at: str
    items: tuple[AcceptedItem, ...]


@dataclass(frozen=True)
class AssessorState:
    """A registered assessor as the survey publishes them, after a change."""

    id: str
    name: str
    institution: str


@dataclass(frozen=True)
class AssessorRegistered(Event, AssessorState):
    """A person who assesses regions joined the registry: their id is the subject of their
    tokens and the `assessor` of their scores and findings."""

    subject: ClassVar[str] = "smartcity.survey.assessor.registered"
    key_field: ClassVar[str] = "id"


@dataclass(frozen=True)
class AssessorUpdated(Event, AssessorState):
    """A registered assessor's name or institution changed; the event carries both."""

    subject: ClassVar[str] = "smartcity.survey.assessor.updated"
    key_field: ClassVar[str] = "id"


@dataclass(frozen=True)
class AssessorsAssigned(Event):
    subject: ClassVar[str] = "smartcity.survey.assessors.assigned"
    key_field: ClassVar[str] = "id"
    id: str
    region_code: str
    cycle_id: str
    assessors: tuple[str, ...]


@dataclass(frozen=True)
class FindingAdded(Event):
    subject: ClassVar[str] = "smartcity.survey.finding.added"
    key_field: ClassVar[str] = "id"
    id: str
    region_code: str
    cycle_id: str
    assessor: str
    kind: str
    text: str
