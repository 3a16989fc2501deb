"""What a survey resolver sees: the caller, the repositories, this request's loaders."""

from __future__ import annotations

from dataclasses import dataclass, field

from strawberry.dataloader import DataLoader

from services.kernel.auth import Principal
from services.kernel.graphql import RequestContext, grouped_loader, keyed_loader
from services.kernel.repository import every
from services.survey import domain
from services.survey.handlers.campaigns import MintRespondentToken
from services.survey.handlers.responses import VerifyToken
from services.survey.repository import CampaignFilter, Survey


@dataclass
class Loaders:
    campaigns: DataLoader[str, domain.Campaign | None]
    campaigns_of_region: DataLoader[str, list[domain.Campaign]]
    assessors: DataLoader[str, domain.Assessor | None]


@dataclass
class SurveyContext(RequestContext):
    survey: Survey = field(kw_only=True)
    mint: MintRespondentToken = field(kw_only=True)
    verify: VerifyToken = field(kw_only=True)


def _campaigns_of_regions(survey: Survey) -> DataLoader[str, list[domain.Campaign]]:
    async def fetch(codes: list[str]) -> list[domain.Campaign]:
        where = CampaignFilter(region_codes=tuple(codes))
        return await every(lambda page: survey.campaigns.list(where, page), lambda c: c.id)

    return grouped_loader(fetch, lambda c: c.region_code)


def make_context(
    survey: Survey, mint: MintRespondentToken, verify: VerifyToken, principal: Principal
) -> SurveyContext:
    return SurveyContext(
        principal=principal,
        loaders=_loaders(survey),
        fresh_loaders=lambda: _loaders(survey),
        survey=survey,
        mint=mint,
        verify=verify,
    )


def _loaders(survey: Survey) -> Loaders:
    return Loaders(
        campaigns=keyed_loader(survey.campaigns.get_many, lambda c: c.id),
        campaigns_of_region=_campaigns_of_regions(survey),
        assessors=keyed_loader(survey.assessors.get_many, lambda a: a.id),
    )
