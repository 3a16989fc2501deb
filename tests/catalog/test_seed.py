"""The demo data loaded through the catalog's GraphQL API."""

import pytest

from services.catalog.app import create_app
from services.demo.seed import demo_data, seed
from services.kernel.auth import Role
from services.kernel.graphql_client import GraphQLClient, GraphQLFailure
from tests.support import graphql, running, token


async def test_the_demo_regions_and_programs_load_under_their_dimensions(settings):
    async with running(create_app(settings, publish=_discard)) as client:
        report = await seed(GraphQLClient(client, "/graphql", token(Role.ADMIN)))
        jumpa_madu = await graphql(
            client,
            '{ region(code: "12.07") { programs(dimension: "environment") '
            "{ name longName subDimension } } }",
        )
        quick_wins = await graphql(
            client, '{ quickWins(regionCode: "12.07", year: 2024, status: SELECTED) { id } }'
        )
    expected_programs = sum(len(r["programs"]) for r in demo_data()["regions"])
    assert (report.regions, report.programs) == (3, expected_programs)
    assert {
        "name": "Jumpa Madu",
        "longName": "Jemput Sampah Terima Duit",
        "subDimension": "waste",
    } in (jumpa_madu["data"]["region"]["programs"])
    assert len(quick_wins["data"]["quickWins"]) == 6


async def test_seeding_twice_leaves_the_regions_already_there(settings):
    async with running(create_app(settings, publish=_discard)) as client:
        await seed(GraphQLClient(client, "/graphql", token(Role.ADMIN)))
        again = await seed(GraphQLClient(client, "/graphql", token(Role.ADMIN)))
        regions = await graphql(client, "{ regions { code } }")
    assert (again.regions, again.skipped_regions) == (0, 3)
    assert len(regions["data"]["regions"]) == 3


async def test_seeding_needs_an_admin(settings):
    async with running(create_app(settings, publish=_discard)) as client:
        with pytest.raises(GraphQLFailure, match="FORBIDDEN"):
            await seed(GraphQLClient(client, "/graphql", token(Role.MINISTRY)))


async def _discard(cloud_event):
    return None
