"""What the survey's use cases share."""

from __future__ import annotations

from services.kernel.repository import require
from services.survey import domain
from services.survey.domain.instruments import instrument_id
from services.survey.repository import Survey


async def instrument_of(survey: Survey, campaign: domain.Campaign) -> domain.Instrument:
    key = instrument_id(campaign.instrument_key, campaign.instrument_version)
    return await require(survey.instruments, key, "instrument", "campaignId")
