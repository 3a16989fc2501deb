"""What a survey resolver sees: the caller, the repositories, this request's loaders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from strawberry.dataloader import DataLoader

from services.kernel.auth import Principal
from services.kernel.graphql import RequestContext, keyed_loader
from services.kernel.repository import every
from services.survey import domain
from services.survey.handlers.campaigns import MintRespondentToken
from services.survey.handlers.responses import VerifyToken
from services.survey.repository import CampaignFilter, Survey


@dataclass
class Loaders:
    campaigns: DataLoader[str, domain.Campaign | None]
    campaigns_of_region: DataLoader[str, list[domain.Campaign]]


@dataclass
class SurveyContext(RequestContext):
    survey: Survey = field(kw_only=True)
    mint: MintRespondentToken = field(kw_only=True)
    verify: VerifyToken = field(kw_only=True)


def _campaigns_of_regions(survey: Survey) -> DataLoader[str, list[domain.Campaign]]:
    async def load(codes: Sequence[str]) -> list[list[domain.Campaign]]:
        where = CampaignFilter(region_codes=tuple(dict.fromkeys(codes)))
        found = await every(lambda page: survey.campaigns.list(where, page), lambda c: c.id)
        return [[c for c in found if c.region_code == code] for code in codes]

    return DataLoader(load_fn=load)


def make_context(
    survey: Survey, mint: MintRespondentToken, verify: VerifyToken, principal: Principal
) -> SurveyContext:
    loaders = Loaders(
        campaigns=keyed_loader(survey.campaigns.get_many, lambda c: c.id),
        campaigns_of_region=_campaigns_of_regions(survey),
    )
    return SurveyContext(
        principal=principal, loaders=loaders, survey=survey, mint=mint, verify=verify
    )
