"""Ranks in a cycle: standard competition ranking, overall and within each cohort."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from services.scoring.domain.scorecards import Standing


def ranks(finals: dict[str, float]) -> dict[str, int]:
    """Standard competition ranking: equal finals share a rank."""
    first_place: dict[float, int] = {}
    for place, final in enumerate(sorted(finals.values(), reverse=True), start=1):
        first_place.setdefault(final, place)
    return {code: first_place[final] for code, final in finals.items()}


@dataclass(frozen=True)
class CycleRanking:
    """Every region's rank in one cycle, overall and within its cohort."""

    overall: dict[str, int]
    in_cohort: dict[str, int]

    @classmethod
    def of(cls, standings: Iterable[Standing]) -> CycleRanking:
        standings = list(standings)
        by_cohort: dict[str, dict[str, float]] = {}
        for standing in standings:
            by_cohort.setdefault(standing.cohort, {})[standing.region_code] = standing.final_index
        in_cohort = {
            code: rank for finals in by_cohort.values() for code, rank in ranks(finals).items()
        }
        return cls(ranks({s.region_code: s.final_index for s in standings}), in_cohort)
