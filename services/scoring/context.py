"""What a scoring resolver sees: the caller, the repositories, this request's loaders, the
scorer, the rescorer and the planner."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from strawberry.dataloader import DataLoader

from services.kernel.auth import Principal
from services.kernel.graphql import RequestContext, grouped_loader
from services.scoring.domain.ranking import CycleRanking
from services.scoring.domain.scorecards import Scorecard
from services.scoring.handlers.planner import Planner
from services.scoring.handlers.rescoring import Rescorer
from services.scoring.handlers.scorer import Scorer
from services.scoring.repository import Scoring


@dataclass
class Loaders:
    """Each kind of data a page of regions needs, read for the whole page at once."""

    scorecards_of_region: DataLoader[str, list[Scorecard]]
    cycle_closed: DataLoader[str, bool]
    ranking: DataLoader[str, CycleRanking]


@dataclass
class ScoringContext(RequestContext):
    scoring: Scoring = field(kw_only=True)
    scorer: Scorer = field(kw_only=True)
    rescorer: Rescorer = field(kw_only=True)
    planner: Planner = field(kw_only=True)


def _loaders(scoring: Scoring) -> Loaders:
    async def closed(cycle_ids: Sequence[str]) -> list[bool]:
        found = await scoring.facts.closed_cycles(list(dict.fromkeys(cycle_ids)))
        return [cycle_id in found for cycle_id in cycle_ids]

    async def rankings(cycle_ids: Sequence[str]) -> list[CycleRanking]:
        found = await scoring.rankings.of_cycles(list(dict.fromkeys(cycle_ids)))
        return [found[cycle_id] for cycle_id in cycle_ids]

    return Loaders(
        scorecards_of_region=grouped_loader(scoring.scorecards.of_regions, lambda c: c.region_code),
        cycle_closed=DataLoader(load_fn=closed),
        ranking=DataLoader(load_fn=rankings),
    )


def make_context(
    scoring: Scoring, scorer: Scorer, rescorer: Rescorer, planner: Planner, principal: Principal
) -> ScoringContext:
    return ScoringContext(
        principal=principal,
        loaders=_loaders(scoring),
        fresh_loaders=lambda: _loaders(scoring),
        scoring=scoring,
        scorer=scorer,
        rescorer=rescorer,
        planner=planner,
    )
