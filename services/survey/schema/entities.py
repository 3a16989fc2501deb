"""The entity the survey extends through federation: a Region gains its campaigns and the
survey indices (citizen impact, IKM) of a cycle."""

from __future__ import annotations

import strawberry

from services.contracts.impact import METHODOLOGY_MAPPING
from services.kernel.graphql import KeyedByCode, assumed, first_of, paged, weighed
from services.survey import domain, handlers
from services.survey.schema.types import (
    READS_A_CAMPAIGN,
    Campaign,
    CitizenImpact,
    DimensionImpactType,
    IkmResult,
    SubDimensionImpactType,
    SurveyInfo,
)

CYCLE_CAMPAIGNS = assumed(domain.MAX_CAMPAIGNS_A_CYCLE)


@strawberry.type
class SurveyIndices:
    cycle_id: str
    campaigns: list[Campaign] = strawberry.field(directives=CYCLE_CAMPAIGNS)
    citizen_impact: CitizenImpact | None
    ikm: list[IkmResult] = strawberry.field(directives=CYCLE_CAMPAIGNS)


async def _indices(info: SurveyInfo, region_code: str, cycle_id: str) -> SurveyIndices:
    survey, principal = info.context.survey, info.context.principal
    campaigns = [
        c
        for c in await info.context.loaders.campaigns_of_region.load(region_code)
        if c.cycle_id == cycle_id
    ][: domain.MAX_CAMPAIGNS_A_CYCLE]
    impact, ikms = None, []
    for campaign in campaigns:
        if campaign.audience is not domain.Audience.CITIZEN:
            continue
        await handlers.indices.require_reader(survey, principal, campaign, raw=False)
        instrument = await handlers.indices.instrument_of(survey, campaign)
        if any(q.sub_dimension for q in instrument.questions().values()):
            subs, dims = await handlers.indices.impact(survey, campaign, METHODOLOGY_MAPPING)
            impact = CitizenImpact(
                sub_dimensions=[SubDimensionImpactType.from_domain(s) for s in subs],
                dimensions=[DimensionImpactType.from_domain(d) for d in dims],
            )
        else:
            elements, result = await handlers.indices.ikm_of(
                survey, campaign, published_rounding=False
            )
            ikms.append(IkmResult.from_domain(elements, result))
    return SurveyIndices(
        cycle_id=cycle_id,
        campaigns=[Campaign.from_domain(c) for c in campaigns],
        citizen_impact=impact,
        ikm=ikms,
    )


@strawberry.federation.type(keys=["code"])
class Region(KeyedByCode):
    @strawberry.field(description="The region's campaigns, oldest first.", directives=paged())
    async def campaigns(
        self, info: SurveyInfo, cycle_id: str | None = None, first: int = 10
    ) -> list[Campaign]:
        found = await info.context.loaders.campaigns_of_region.load(self.code)
        chosen = [c for c in found if cycle_id in (None, c.cycle_id)]
        return [Campaign.from_domain(c) for c in first_of(chosen, first)]

    @strawberry.field(
        description="Citizen impact and IKM of the region's campaigns in a cycle.",
        directives=weighed(READS_A_CAMPAIGN),
    )
    async def survey_indices(self, info: SurveyInfo, cycle_id: str) -> SurveyIndices:
        return await _indices(info, self.code, cycle_id)
