"""The survey's subscription: a campaign's progress (its quotas, tokens issued and responses
received) as responses arrive. Fed by every event the survey publishes about the campaign,
which every replica hears; the campaign is read afresh for each change told."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import strawberry

from services.kernel import errors
from services.kernel.live import Pick, following
from services.survey.handlers.progress import require_quota_reader
from services.survey.schema.types import Campaign, SurveyInfo

SURVEY_EVENTS = "smartcity.survey.>"
# a deadline's burst accepts a batch every few milliseconds: a campaign's progress is told
# at most this often
PROGRESS_EVERY_SECONDS = 0.5


def _about(campaign_id: str) -> Pick:
    def pick(data: dict[str, Any]) -> str | None:
        return campaign_id if data.get("campaign_id") == campaign_id else None

    return pick


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="A campaign now, then again as responses arrive and tokens are issued (at "
        "most twice a second): ask for its quotas. Who may read its quotas may follow it."
    )
    async def campaign_progress(
        self, info: SurveyInfo, campaign_id: strawberry.ID
    ) -> AsyncGenerator[Campaign, None]:
        context = info.context
        campaign = await context.loaders.campaigns.load(str(campaign_id))
        if campaign is None:
            raise errors.NotFound(f"campaign {campaign_id} is not known", "campaignId")
        require_quota_reader(context.principal, campaign)
        changes = following(
            context.live, SURVEY_EVENTS, _about(campaign.id), context.principal, at_once=True
        )
        async for _ in changes:
            context.renew_loaders()
            campaign = await context.loaders.campaigns.load(campaign.id) or campaign
            yield Campaign.from_domain(campaign)
            await asyncio.sleep(PROGRESS_EVERY_SECONDS)  # what changes meanwhile is told next
