"""Ranks in a cycle, as the scoring domain computes them."""

from services.scoring.domain.ranking import CycleRanking
from services.scoring.domain.scorecards import Standing


def test_equal_finals_share_a_rank_and_cohorts_are_ranked_apart() -> None:
    ranking = CycleRanking.of([
        Standing("35.07", "kppn_ikn", 3.1), Standing("33.12", "regular", 3.4),
        Standing("35.78", "kppn_ikn", 3.1), Standing("12.07", "regular", 2.0),
    ])  # fmt: skip
    assert ranking.overall == {"33.12": 1, "35.07": 2, "35.78": 2, "12.07": 4}
    assert ranking.in_cohort == {"35.07": 1, "35.78": 1, "33.12": 1, "12.07": 2}
