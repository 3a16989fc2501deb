"""A page of regions costs the survey one storage round trip for their campaigns, however many
regions it holds, and the query is served by an index."""

from __future__ import annotations

from typing import Any

from tests.storage_reads import recorded_queries, round_trips, unindexed
from tests.survey.conftest import ADMIN, REGIONS

PAGE = """query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Region { code campaigns { id audience } } } }"""


async def asked(api, size: int) -> tuple[dict[str, Any], int]:
    codes = [*REGIONS, *(f"99.{n:02d}" for n in range(size - len(REGIONS)))]
    representations = [{"__typename": "Region", "code": code} for code in codes]
    response = await api.client.post(
        "/graphql",
        json={"query": PAGE, "variables": {"r": representations}},
        headers={"Authorization": f"Bearer {ADMIN}"},
    )
    return response.json(), round_trips(response)


async def test_a_page_of_100_regions_reads_their_campaigns_in_one_round_trip(api):
    for code in REGIONS:
        await api.open_campaign("ASSESSOR", "smartcity-evaluation-2023", region=code)
    await api.open_campaign("CITIZEN", "citizen-impact-2023", region=REGIONS[0])
    with recorded_queries() as queries:
        small, small_trips = await asked(api, len(REGIONS))
        large, large_trips = await asked(api, 100)
    assert "errors" not in large, large
    assert large["data"]["_entities"][: len(REGIONS)] == small["data"]["_entities"]
    audiences = [sorted(c["audience"] for c in r["campaigns"]) for r in small["data"]["_entities"]]
    assert audiences == [["ASSESSOR", "CITIZEN"], ["ASSESSOR"]]
    assert all(r["campaigns"] == [] for r in large["data"]["_entities"][len(REGIONS) :])
    assert small_trips == large_trips == 1
    assert unindexed(queries) == []
