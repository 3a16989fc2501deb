"""The entities scoring extends through federation: a Region gains its scorecards and a
Program its quick-win decisions and readiness. Also the reading of scorecards with their
ranks, which the queries share."""

from __future__ import annotations

from typing import Self

import strawberry
from strawberry.types import Info

from services.kernel.graphql import BATCHED, SMALL_PAGE, KeyedByCode, first_of, paged, weighed
from services.scoring import access
from services.scoring.context import ScoringContext
from services.scoring.domain import scorecards
from services.scoring.domain.ranking import CycleRanking
from services.scoring.handlers import readiness
from services.scoring.schema.types import QuickWinDecision, QuickWinReadiness, Scorecard

ScoringInfo = Info[ScoringContext, None]
# a region's scorecards, whether their cycles are closed and the cycles' rankings are three
# storage round trips, shared by every region of a page
RANKED = BATCHED
# one region's evidence scored by the rules workers, as the objects one could read meanwhile
RULES_RUN = 1_000


async def ranked(info: ScoringInfo, cards: list[scorecards.Scorecard]) -> list[Scorecard]:
    """Scorecards with their rank in their cycle, overall and within their cohort."""
    cycle_ids = list(dict.fromkeys(card.cycle_id for card in cards))
    found = await info.context.loaders.ranking.load_many(cycle_ids)
    return with_ranks(cards, dict(zip(cycle_ids, found, strict=True)))


def with_ranks(
    cards: list[scorecards.Scorecard], rankings: dict[str, CycleRanking]
) -> list[Scorecard]:
    return [
        Scorecard.from_domain(
            card,
            rankings[card.cycle_id].overall.get(card.region_code),
            rankings[card.cycle_id].in_cohort.get(card.region_code),
        )
        for card in cards
    ]


async def readable(
    info: ScoringInfo, cards: list[scorecards.Scorecard]
) -> list[scorecards.Scorecard]:
    return await access.readable(
        info.context.principal, cards, info.context.loaders.cycle_closed.load_many
    )


async def of_region(info: ScoringInfo, region_code: str) -> list[scorecards.Scorecard]:
    """The region's readable scorecards; the regions of one page are read together."""
    return await readable(info, await info.context.loaders.scorecards_of_region.load(region_code))


@strawberry.federation.type(keys=["code"])
class Region(KeyedByCode):
    @strawberry.field(
        description="The region's scorecards the caller may read, newest cycle first.",
        directives=paged(weight=RANKED),
    )
    async def scorecards(self, info: ScoringInfo, first: int = SMALL_PAGE) -> list[Scorecard]:
        cards = await of_region(info, self.code)
        newest = sorted(cards, key=lambda c: (c.year, c.computed_at), reverse=True)
        return await ranked(info, first_of(newest, first))

    @strawberry.field(directives=weighed(RANKED))
    async def latest_scorecard(self, info: ScoringInfo) -> Scorecard | None:
        cards = await of_region(info, self.code)
        if not cards:
            return None
        [latest] = await ranked(info, [max(cards, key=lambda c: (c.year, c.computed_at))])
        return latest


@strawberry.federation.type(keys=["id"])
class Program:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Self:
        return cls(id=id)

    @strawberry.field(
        description="The quick-win decision of the rules, per readable scorecard.",
        directives=paged(weight=RANKED),
    )
    async def quick_win_assessments(
        self, info: ScoringInfo, region_code: str, first: int = SMALL_PAGE
    ) -> list[QuickWinDecision]:
        program_id = str(self.id)
        decisions = [
            QuickWinDecision.from_decision(program_id, card.content.quick_wins[program_id])
            for card in await of_region(info, region_code)
            if program_id in card.content.quick_wins
        ]
        return first_of(decisions, first)

    @strawberry.field(
        description="What the active rules would decide were the program proposed as a quick "
        "win in the cycle's year, from what the region has reported so far (the region's "
        "operator, admins and ministries). Nothing is stored.",
        directives=weighed(RULES_RUN),
    )
    async def quick_win_readiness(
        self, info: ScoringInfo, region_code: str, cycle_id: str
    ) -> QuickWinReadiness:
        program_id = str(self.id)
        found = await readiness.quick_win_readiness(
            info.context.scorer, info.context.principal, program_id, region_code, cycle_id
        )
        decided = (
            QuickWinDecision.from_decision(program_id, found.decision) if found.decision else None
        )
        return QuickWinReadiness(decision=decided, planning_percent=found.planning_percent)
