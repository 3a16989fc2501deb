"""What the survey's use cases share."""

from __future__ import annotations

from services.kernel import errors
from services.kernel.repository import require
from services.survey import domain
from services.survey.domain.instruments import instrument_id
from services.survey.repository import KnownCycle, Survey


async def instrument_of(survey: Survey, campaign: domain.Campaign) -> domain.Instrument:
    key = instrument_id(campaign.instrument_key, campaign.instrument_version)
    return await require(survey.instruments, key, "instrument", "campaignId")


async def open_cycle(survey: Survey, cycle_id: str, field: str) -> KnownCycle:
    """The cycle, while it is open: once closed, its evidence no longer changes (CONFLICT at
    `field`, the input that named it)."""
    cycle = await survey.facts.cycle(cycle_id)
    if cycle is None:
        raise errors.NotFound(f"evaluation cycle {cycle_id} is not known (yet)", field)
    if cycle.status != "open":
        raise errors.Conflict(
            f"evaluation cycle {cycle_id} is closed: its evidence no longer changes", field
        )
    return cycle
