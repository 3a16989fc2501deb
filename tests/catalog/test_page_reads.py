"""A page of regions costs the catalog a fixed number of storage round trips however many
regions it holds: one per kind of data, and every query it makes served by an index."""

from __future__ import annotations

from typing import Any

import pytest

from services.catalog.app import create_app
from tests.catalog.test_api import (
    ADD_PROGRAM,
    ADMIN,
    CREATE_MASTERPLAN,
    CREATE_REGION,
    Recorder,
    masterplan,
    region,
)
from tests.storage_reads import recorded_queries, round_trips, unindexed
from tests.support import graphql, running

REGIONS = ("12.07", "12.08", "63.03")
PAGE = """query($r: [_Any!]!) { _entities(representations: $r) { ... on Region {
  code name masterplans { id } programs(first: 2) { id name } quickWins { id } } } }"""
NESTED = """query($r: [_Any!]!) { _entities(representations: $r) { ... on Region {
  masterplans { programs(first: 3) { id quickWins { id } } } } } }"""
NAMES = "query($n: Int!) { regions(first: $n) { code name } }"


@pytest.fixture
async def client(settings):
    async with running(create_app(settings, publish=Recorder())) as client:
        yield client


async def regions_with_programs(client) -> None:
    """Three regions, each with a masterplan of three programs."""
    for code in REGIONS:
        await graphql(client, CREATE_REGION, {"i": region(code)}, bearer=ADMIN)
        await add_programs(client, code, 3)


async def asked(client, size: int, query: str = PAGE) -> tuple[dict[str, Any], int]:
    codes = [*REGIONS, *(f"99.{n:02d}" for n in range(size - len(REGIONS)))]
    return await asked_for(client, query, codes)


async def test_a_page_of_100_regions_costs_what_a_page_of_3_does(client):
    await regions_with_programs(client)
    small, small_trips = await asked(client, len(REGIONS))
    large, large_trips = await asked(client, 100)
    assert "errors" not in large, large
    assert large["data"]["_entities"][: len(REGIONS)] == small["data"]["_entities"]
    first = small["data"]["_entities"][0]
    assert [p["name"] for p in first["programs"]] == ["P0 12.07", "P1 12.07"]  # cut to its page
    assert large["data"]["_entities"][len(REGIONS) :] == [None] * (100 - len(REGIONS))
    assert small_trips == large_trips == 4  # regions; masterplans; programs; quick wins


async def test_programs_of_masterplans_and_their_quick_wins_are_read_for_all_at_once(client):
    await regions_with_programs(client)
    small, small_trips = await asked(client, len(REGIONS), NESTED)
    large, large_trips = await asked(client, 10, NESTED)
    assert "errors" not in large, large
    assert large["data"]["_entities"][: len(REGIONS)] == small["data"]["_entities"]
    assert all(len(r["masterplans"][0]["programs"]) == 3 for r in small["data"]["_entities"])
    # regions; their masterplans; those masterplans' programs; the programs' quick wins
    assert small_trips == large_trips == 4


async def test_a_list_of_regions_is_one_round_trip_served_by_an_index(client):
    await regions_with_programs(client)
    with recorded_queries() as queries:
        response = await client.post(
            "/graphql", json={"query": NAMES, "variables": {"n": 100}},
            headers={"Authorization": f"Bearer {ADMIN}"},
        )  # fmt: skip
        await asked(client, 100)
    assert len(response.json()["data"]["regions"]) == len(REGIONS)
    assert round_trips(response) == 1
    assert unindexed(queries) == []


async def add_programs(client, code: str, count: int) -> None:
    plan = await graphql(client, CREATE_MASTERPLAN, {"i": masterplan(code)}, bearer=ADMIN)
    for n in range(count):
        program = {
            "masterplanId": plan["data"]["createMasterplan"]["id"], "name": f"P{n} {code}",
            "dimension": "environment", "subDimension": "waste", "agency": "DLH",
            "startYear": 2018, "targetYear": 2025,
        }  # fmt: skip
        await graphql(client, ADD_PROGRAM, {"i": program}, bearer=ADMIN)


async def test_a_page_of_a_crowded_parent_reads_what_it_serves_and_starves_no_other(client):
    # the crowded region's 600 programs come first in key order, then the others' two each
    await graphql(client, CREATE_REGION, {"i": region("12.07")}, bearer=ADMIN)
    await add_programs(client, "12.07", 600)
    for code in ("12.08", "63.03"):
        await graphql(client, CREATE_REGION, {"i": region(code)}, bearer=ADMIN)
        await add_programs(client, code, 2)
    page = """query($r: [_Any!]!) { _entities(representations: $r) { ... on Region {
      code programs(first: 2) { name } } } }"""

    with recorded_queries() as asked:
        body, _ = await asked_for(client, page, ["12.07", "12.08", "63.03"])
    alone, trips_alone = await asked_for(client, page, ["12.07"])

    assert [[p["name"] for p in r["programs"]] for r in body["data"]["_entities"]] == [
        ["P0 12.07", "P1 12.07"], ["P0 12.08", "P1 12.08"], ["P0 63.03", "P1 63.03"],
    ]  # fmt: skip
    assert len(alone["data"]["_entities"][0]["programs"]) == 2
    assert trips_alone == 2  # the region, then a page of its programs, not all 600
    # a page of programs for the three, then each region left short on its own
    assert [f["region_code"] for c, f in asked if "region_code" in f] == [
        {"$in": ["12.07", "12.08", "63.03"]}, {"$in": ["12.08"]}, {"$in": ["63.03"]},
    ]  # fmt: skip
    assert unindexed(asked) == []


async def asked_for(client, query: str, codes: list[str]) -> tuple[dict[str, Any], int]:
    representations = [{"__typename": "Region", "code": code} for code in codes]
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": {"r": representations}},
        headers={"Authorization": f"Bearer {ADMIN}"},
    )
    return response.json(), round_trips(response)
