"""A page of regions costs scoring a fixed number of storage round trips, however many regions
it holds, and every query it makes is served by an index."""

from __future__ import annotations

from typing import Any

import pytest

from tests.published import cycle_closed
from tests.scoring.conftest import ADMIN, COHORT, CYCLE, REGIONS, assessor_scores
from tests.storage_reads import recorded_queries, round_trips, unindexed
from tests.support import through_gateway

PAGE = """query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Region { code latestScorecard { finalIndex rank rankInCohort } scorecards { id } } } }"""


def page_of(size: int) -> list[dict[str, Any]]:
    """The scored regions first, then as many unscored ones as the page holds."""
    codes = [*REGIONS, *(f"99.{n:02d}" for n in range(size - len(REGIONS)))]
    return [{"__typename": "Region", "code": code} for code in codes]


async def asked(api, size: int, bearer: str | None) -> tuple[dict[str, Any], int]:
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else through_gateway()
    response = await api.client.post(
        "/graphql", json={"query": PAGE, "variables": {"r": page_of(size)}}, headers=headers
    )
    return response.json(), round_trips(response)


@pytest.mark.parametrize(
    ("caller", "expected"),
    [
        (ADMIN, 2),  # the keys and versions of the regions' scorecards; their cycles' rankings
        (None, 3),  # and, for an anonymous caller, whether those cycles are closed
    ],
    ids=["admin", "anonymous"],
)
async def test_a_page_of_100_regions_costs_what_a_page_of_3_does(evaluated, caller, expected):
    await evaluated.learn(cycle_closed(CYCLE, 2022, COHORT, REGIONS))
    first, first_trips = await asked(evaluated, 100, caller)
    small, small_trips = await asked(evaluated, len(REGIONS), caller)
    large, large_trips = await asked(evaluated, 100, caller)
    assert "errors" not in large, large
    assert large == first
    assert large["data"]["_entities"][: len(REGIONS)] == small["data"]["_entities"]
    ranks = sorted(r["latestScorecard"]["rank"] for r in small["data"]["_entities"])
    assert ranks == [1, 2, 3]
    assert all(r["latestScorecard"] is None for r in large["data"]["_entities"][len(REGIONS) :])
    assert small_trips == large_trips == expected
    assert first_trips == expected + 2  # the scorecards and the ranking, read once a version


async def test_an_open_cycle_hides_its_scorecards_from_anonymous_callers_in_a_page(evaluated):
    page, _ = await asked(evaluated, 100, None)
    assert all(r["latestScorecard"] is None for r in page["data"]["_entities"])
    assert all(r["scorecards"] == [] for r in page["data"]["_entities"])


async def test_every_query_of_a_page_is_served_by_an_index(evaluated):
    await evaluated.learn(cycle_closed(CYCLE, 2022, COHORT, REGIONS))
    await evaluated.settled()  # the rescoring the closing starts is not the page's
    with recorded_queries() as queries:
        await asked(evaluated, 100, None)
    assert queries
    assert unindexed(queries) == []


async def test_a_ranking_is_kept_and_follows_a_revised_scorecard(evaluated):
    before, _ = await asked(evaluated, len(REGIONS), ADMIN)
    ranks = {r["code"]: r["latestScorecard"]["rank"] for r in before["data"]["_entities"]}
    last = max(ranks, key=ranks.__getitem__)
    perfect = {d: 4.0 for d in ("baseline", "output", "outcome", "impact", "quick_win")}
    await evaluated.learn(*assessor_scores(last, perfect, revision=2))
    await evaluated.settled()
    after, _ = await asked(evaluated, len(REGIONS), ADMIN)
    moved = {r["code"]: r["latestScorecard"]["rank"] for r in after["data"]["_entities"]}
    assert moved[last] == 1
    finals = [{r["code"]: r["latestScorecard"]["finalIndex"] for r in page["data"]["_entities"]}
              for page in (before, after)]  # fmt: skip
    assert finals[1][last] > finals[0][last]
    assert sorted(moved.values()) == [1, 2, 3]


async def test_a_query_no_index_serves_is_found(evaluated):
    """The check above can fail: a filter on a field no index leads is reported."""
    with recorded_queries() as queries:
        await evaluated("{ ruleSets { id } }")
    rulesets = next(collection for collection, _ in queries if collection.name == "rulesets")
    assert unindexed([(rulesets, {"author": "someone"})]) == ["rulesets: {'author': 'someone'}"]
