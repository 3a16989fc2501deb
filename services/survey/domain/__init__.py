"""The survey's aggregates and the statistics computed from them.

An aggregate's fields, as far as its GraphQL type shows them, are a dataclass of their own
(`CampaignFields`, `AssignmentFields`, `AssessorFields`) that the aggregate, its GraphQL type
and, where they match, its command subclass: one declaration. Those modules evaluate their
annotations (no `from __future__ import annotations`) so that GraphQL can read them as types.
"""

from services.survey.domain.answers import Answer
from services.survey.domain.assessments import (
    AssessorScore,
    Assignment,
    Finding,
    FindingKind,
    Findings,
    ScoreRevision,
)
from services.survey.domain.assessors import Assessor
from services.survey.domain.batches import AcceptedBatch
from services.survey.domain.campaigns import (
    DEFAULT_QUOTA,
    MAX_CAMPAIGNS_A_CYCLE,
    Audience,
    Campaign,
    CampaignStatus,
)
from services.survey.domain.instruments import (
    EvaluationDimension,
    Instrument,
    Question,
    QuestionType,
    Section,
)
from services.survey.domain.responses import Response

__all__ = [
    "DEFAULT_QUOTA",
    "MAX_CAMPAIGNS_A_CYCLE",
    "AcceptedBatch",
    "Answer",
    "Assessor",
    "AssessorScore",
    "Assignment",
    "Audience",
    "Campaign",
    "CampaignStatus",
    "EvaluationDimension",
    "Finding",
    "FindingKind",
    "Findings",
    "Instrument",
    "Question",
    "QuestionType",
    "Response",
    "ScoreRevision",
    "Section",
]
