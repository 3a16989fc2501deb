"""The survey's enums as GraphQL knows them (the domain's own enums, registered once)."""

import strawberry

from services.survey import domain
from services.survey.domain.statistics import ImpactMapping

Audience = domain.Audience
CampaignStatus = domain.CampaignStatus
QuestionType = domain.QuestionType
EvaluationDimension = domain.EvaluationDimension
FindingKind = domain.FindingKind

for _enum in (
    Audience,
    CampaignStatus,
    QuestionType,
    EvaluationDimension,
    FindingKind,
    ImpactMapping,
):
    strawberry.enum(_enum)
