"""Scoring's subscriptions: a cycle's scorecards as they change, and how far a rescoring has
come. Both are fed by the scorecards scoring publishes (every replica hears every one) and read
the scorecards afresh from storage, so what a subscriber sees is what a query would show."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import strawberry

from services.contracts.events.scoring import ScorecardPublished
from services.kernel.live import Pick, following
from services.scoring import access
from services.scoring.domain import scorecards
from services.scoring.handlers import rulesets as ruleset_use_cases
from services.scoring.schema.entities import Region, ScoringInfo, ranked, readable
from services.scoring.schema.types import Scorecard

# a rescoring publishes a scorecard every few milliseconds: its progress is told at most this
# often, each time read from the cycle's scorecards
PROGRESS_EVERY_SECONDS = 0.5


@strawberry.type(description="A region's scorecard for a cycle, as it was just stored.")
class ScorecardChange:
    region_code: str
    cycle_id: str
    scorecard: Scorecard

    @strawberry.field(description="The region, to name it (from the catalog).")
    def region(self) -> Region:
        return Region(code=self.region_code)


@strawberry.type(description="How many of a cycle's scorecards the active rule set has scored.")
class RescoringProgress:
    cycle_id: str
    active_ruleset_version: int | None
    scorecards: int = strawberry.field(
        description="The cycle's scorecards computed from evidence (published ones excluded)."
    )
    on_active: int = strawberry.field(description="Those scored by the active rule set.")

    @strawberry.field(description="Scorecards still to be scored by the active rule set.")
    def waiting(self) -> int:
        return self.scorecards - self.on_active


def _of_cycle(cycle_id: str, region_code: str | None = None) -> Pick:
    def pick(data: dict[str, Any]) -> str | None:
        region = data.get("region_code")
        if data.get("cycle_id") != cycle_id or region_code not in (None, region):
            return None
        return str(region)

    return pick


async def _progress(info: ScoringInfo, cycle_id: str) -> RescoringProgress:
    scoring = info.context.scoring
    active = await ruleset_use_cases.active_ruleset(scoring)
    number = active.number if active else None
    computed = [
        card
        for card in await scoring.scorecards.of_cycle(cycle_id)
        if card.source is not scorecards.Source.PUBLISHED
    ]
    on_active = sum(1 for card in computed if card.content.ruleset_version == number)
    return RescoringProgress(
        cycle_id=cycle_id,
        active_ruleset_version=number,
        scorecards=len(computed),
        on_active=on_active,
    )


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Each scorecard of the cycle (or of one region) as it changes. Ministries "
        "and admins follow every region; a region's operator follows their own region "
        "(name it); anyone follows a closed cycle."
    )
    async def scorecard_changed(
        self, info: ScoringInfo, cycle_id: str, region_code: str | None = None
    ) -> AsyncGenerator[ScorecardChange, None]:
        context = info.context
        await access.require_follower(
            context.principal, cycle_id, region_code, context.loaders.cycle_closed.load_many
        )
        changes = following(
            context.live,
            ScorecardPublished.subject,
            _of_cycle(cycle_id, region_code),
            context.principal,
        )
        async for regions in changes:
            context.renew_loaders()
            stored = await asyncio.gather(
                *(context.scoring.scorecards.get(scorecards.scorecard_id(r, cycle_id))
                  for r in regions)
            )  # fmt: skip
            shown = await readable(info, [card for card in stored if card is not None])
            for card in await ranked(info, shown):
                yield ScorecardChange(
                    region_code=card.region_code, cycle_id=card.cycle_id, scorecard=card
                )

    @strawberry.subscription(
        description="How far the active rule set has come through a cycle's scorecards: now, "
        "then as they change (at most twice a second). Ministries and admins."
    )
    async def rescoring_progress(
        self, info: ScoringInfo, cycle_id: str
    ) -> AsyncGenerator[RescoringProgress, None]:
        context = info.context
        access.require_ruleset_reader(context.principal)
        changes = following(
            context.live,
            ScorecardPublished.subject,
            _of_cycle(cycle_id),
            context.principal,
            at_once=True,
        )
        async for _ in changes:
            yield await _progress(info, cycle_id)
            await asyncio.sleep(PROGRESS_EVERY_SECONDS)  # what changes meanwhile is told next
