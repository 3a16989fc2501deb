"""Planning and execution over the test subgraphs: exact responses and subgraph requests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.kernel.auth import Role
from tests.gateway.subgraphs import asgi_apps
from tests.gateway.support import Gateway, gateway_over, settings
from tests.support import token


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[Gateway]:
    config = settings(tmp_path, SMARTCITY_SUBGRAPH_TIMEOUT_SECONDS="0.3")
    async with gateway_over(asgi_apps(), config) as running:
        running.headers = {"Authorization": f"Bearer {token(Role.ADMIN)}"}
        yield running


async def test_a_query_across_three_subgraphs_makes_one_request_to_each(gateway: Gateway) -> None:
    body = await gateway.post(
        "{ regions(count: 100) { code campaigns { id } latestScore { value } } }"
    )

    assert "errors" not in body
    assert len(body["data"]["regions"]) == 100
    assert body["data"]["regions"][42] == {
        "code": "R042",
        "campaigns": [{"id": "R042-c1"}],
        "latestScore": {"value": 4.2},
    }
    assert gateway.subgraphs.counts() == {"places": 1, "surveys": 1, "scores": 1}
    (surveys,) = gateway.subgraphs.bodies("surveys")
    assert len(surveys["variables"]["r0"]) == 100


async def test_repeated_entities_are_sent_once(gateway: Gateway) -> None:
    body = await gateway.post("{ regions(count: 3, repeat: 2) { code campaigns { id } } }")

    assert [r["campaigns"][0]["id"] for r in body["data"]["regions"]] == [
        "R000-c1",
        "R000-c1",
        "R001-c1",
        "R001-c1",
        "R002-c1",
        "R002-c1",
    ]
    (surveys,) = gateway.subgraphs.bodies("surveys")
    assert surveys["variables"]["r0"] == [
        {"__typename": "Region", "code": c} for c in ("R000", "R001", "R002")
    ]


async def test_requires_sends_the_required_field_from_another_subgraph(gateway: Gateway) -> None:
    body = await gateway.post('{ region(code: "R003") { perCapita } }')

    assert body == {"data": {"region": {"perCapita": 250.0}}}
    (scores,) = gateway.subgraphs.bodies("scores")
    assert scores["variables"]["r0"] == [
        {"__typename": "Region", "code": "R003", "population": 4000}
    ]


async def test_provides_keeps_provided_fields_in_the_providing_subgraph(gateway: Gateway) -> None:
    body = await gateway.post("{ topRegions { code name latestScore { value } } }")

    assert body == {
        "data": {
            "topRegions": [
                {"code": "R000", "name": "Top R000", "latestScore": {"value": 0.0}},
                {"code": "R001", "name": "Top R001", "latestScore": {"value": 0.1}},
            ]
        }
    }
    assert gateway.subgraphs.counts() == {"scores": 1}


async def test_a_shareable_field_is_fetched_where_the_parent_already_is(gateway: Gateway) -> None:
    body = await gateway.post('{ region(code: "R004") { province } }')

    assert body == {"data": {"region": {"province": "P1"}}}
    assert gateway.subgraphs.counts() == {"places": 1}


async def test_fragments_aliases_variables_and_conditions(gateway: Gateway) -> None:
    query = """
        query Pick($code: String!, $withScore: Boolean!, $noName: Boolean!) {
          first: region(code: $code) { ...Names score: latestScore @include(if: $withScore) { value } }
          second: region(code: "R005") { code name @skip(if: $noName) }
        }
        fragment Names on Region { code label: name }
    """
    with_score = await gateway.post(query, {"code": "R001", "withScore": True, "noName": False})
    without = await gateway.post(query, {"code": "R002", "withScore": False, "noName": True})

    assert with_score == {
        "data": {
            "first": {"code": "R001", "label": "Region 1", "score": {"value": 0.1}},
            "second": {"code": "R005", "name": "Region 5"},
        }
    }
    assert without == {
        "data": {"first": {"code": "R002", "label": "Region 2"}, "second": {"code": "R005"}}
    }
    assert gateway.subgraphs.counts() == {"places": 1}  # no score asked for: scores is not called


async def test_interfaces_unions_and_typename(gateway: Gateway) -> None:
    body = await gateway.post(
        "{ places { __typename code ... on Region { campaigns { id } } ... on Province { regions } } "
        'search(text: "x") { __typename ... on Region { code perCapita } ... on Province { name } } }'
    )

    assert body == {
        "data": {
            "places": [
                {"__typename": "Region", "code": "R001", "campaigns": [{"id": "R001-c1"}]},
                {"__typename": "Province", "code": "P1", "regions": 67},
            ],
            "search": [
                {"__typename": "Province", "name": "Province 2"},
                {"__typename": "Region", "code": "R002", "perCapita": 333.3333333333333},
            ],
        }
    }
    assert gateway.subgraphs.counts() == {"places": 1, "surveys": 1, "scores": 1}


async def test_subgraph_errors_are_repathed_and_internal_details_masked(gateway: Gateway) -> None:
    body = await gateway.post("{ regions(count: 2) { code brokenScore { value } } }")

    assert body == {
        "errors": [
            {
                "message": "Internal server error",
                "path": ["regions", 0, "brokenScore"],
                "extensions": {"code": "INTERNAL_SERVER_ERROR"},
            },
            {
                "message": "Internal server error",
                "path": ["regions", 1, "brokenScore"],
                "extensions": {"code": "INTERNAL_SERVER_ERROR"},
            },
        ],
        "data": {
            "regions": [
                {"code": "R000", "brokenScore": None},
                {"code": "R001", "brokenScore": None},
            ]
        },
    }


async def test_a_null_in_a_non_null_field_nulls_the_nearest_nullable_parent(
    gateway: Gateway,
) -> None:
    body = await gateway.post("{ regions(count: 2) { code strictScore { value } } }")

    assert body["data"] == {"regions": [None, None]}
    assert [e["path"] for e in body["errors"]] == [
        ["regions", 0, "strictScore"],
        ["regions", 1, "strictScore"],
    ]


async def test_a_subgraph_that_is_down_leaves_partial_data(gateway: Gateway) -> None:
    gateway.subgraphs.down.add("surveys")

    body = await gateway.post(
        "{ regions(count: 2) { code campaigns { id } latestScore { value } } }"
    )

    assert body == {
        "errors": [
            {
                "message": "subgraph surveys is unavailable",
                "extensions": {"code": "SUBGRAPH_UNAVAILABLE", "service": "surveys"},
                "path": ["regions", 0, "campaigns"],
            },
            {
                "message": "subgraph surveys is unavailable",
                "extensions": {"code": "SUBGRAPH_UNAVAILABLE", "service": "surveys"},
                "path": ["regions", 1, "campaigns"],
            },
        ],
        "data": {
            "regions": [
                {"code": "R000", "campaigns": None, "latestScore": {"value": 0.0}},
                {"code": "R001", "campaigns": None, "latestScore": {"value": 0.1}},
            ]
        },
    }


async def test_a_read_whose_connection_drops_is_sent_once_more(gateway: Gateway) -> None:
    gateway.subgraphs.disconnecting["surveys"] = 1

    body = await gateway.post("{ regions(count: 2) { code campaigns { id } } }")

    assert body == {
        "data": {
            "regions": [
                {"code": "R000", "campaigns": [{"id": "R000-c1"}]},
                {"code": "R001", "campaigns": [{"id": "R001-c1"}]},
            ]
        }
    }
    assert gateway.subgraphs.counts() == {"places": 1, "surveys": 2}


async def test_a_read_whose_connection_drops_twice_is_unavailable(gateway: Gateway) -> None:
    gateway.subgraphs.disconnecting["surveys"] = 2

    body = await gateway.post("{ regions(count: 1) { code campaigns { id } } }")

    assert body["data"] == {"regions": [{"code": "R000", "campaigns": None}]}
    assert [e["extensions"]["code"] for e in body["errors"]] == ["SUBGRAPH_UNAVAILABLE"]
    assert gateway.subgraphs.counts() == {"places": 1, "surveys": 2}


async def test_a_mutation_whose_connection_drops_is_not_sent_again(gateway: Gateway) -> None:
    gateway.subgraphs.disconnecting["surveys"] = 1

    body = await gateway.post('mutation { openCampaign(code: "R001") { id } }')

    assert body["data"] is None
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["openCampaign"], "SUBGRAPH_UNAVAILABLE")
    ]
    assert gateway.subgraphs.counts() == {"surveys": 1}


async def test_a_root_subgraph_that_is_down_nulls_its_root_fields(gateway: Gateway) -> None:
    gateway.subgraphs.down.add("places")

    body = await gateway.post('{ region(code: "R001") { code } topRegions { code } }')

    assert body["data"] == {"region": None, "topRegions": [{"code": "R000"}, {"code": "R001"}]}
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["region"], "SUBGRAPH_UNAVAILABLE")
    ]


async def test_a_slow_subgraph_times_out_into_partial_data(gateway: Gateway) -> None:
    body = await gateway.post('{ region(code: "R001") { code slowScore { value } } }')

    assert body == {
        "errors": [
            {
                "message": "subgraph scores did not answer within 0.3 s",
                "extensions": {"code": "SUBGRAPH_TIMEOUT", "service": "scores"},
                "path": ["region", "slowScore"],
            }
        ],
        "data": {"region": {"code": "R001", "slowScore": None}},
    }


async def test_mutations_run_in_order_one_subgraph_at_a_time(gateway: Gateway) -> None:
    body = await gateway.post(
        'mutation { a: renameRegion(code: "R001", name: "X") { name campaigns { id } } '
        'b: openCampaign(code: "R001") { id } c: renameRegion(code: "R002", name: "Y") { name } }'
    )

    assert body == {
        "data": {
            "a": {"name": "X", "campaigns": [{"id": "R001-c1"}]},
            "b": {"id": "R001-new"},
            "c": {"name": "Y"},
        }
    }
    sent = [
        (name, body["query"].split("{")[0].strip()) for name, body in gateway.subgraphs.received
    ]
    assert sent == [
        ("places", "mutation"),
        ("surveys", "query($r0: [_Any!]!)"),
        ("surveys", "mutation"),
        ("places", "mutation"),
    ]


async def test_inaccessible_fields_cannot_be_queried_or_seen(gateway: Gateway) -> None:
    body = await gateway.post('{ region(code: "R001") { internalRank } }')
    seen = await gateway.post('{ __type(name: "Region") { fields { name } } }')

    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Cannot query field 'internalRank'" in body["errors"][0]["message"]
    assert "internalRank" not in {f["name"] for f in seen["data"]["__type"]["fields"]}
    assert gateway.subgraphs.counts() == {}


async def test_the_plan_is_returned_to_admins_who_ask_and_cached(gateway: Gateway) -> None:
    query = "query R($c: String!) { region(code: $c) { code latestScore { value } } }"
    first = await gateway.post(query, {"c": "R001"}, **{"X-Query-Plan": "1"})
    second = await gateway.post(query, {"c": "R002"}, **{"X-Query-Plan": "1"})
    gateway.headers = {"Authorization": f"Bearer {token(Role.MINISTRY)}"}
    ministry = await gateway.post(query, {"c": "R001"}, **{"X-Query-Plan": "1"})

    assert first["extensions"]["queryPlan"] == {
        "kind": "Sequence",
        "nodes": [
            {
                "kind": "Fetch",
                "service": "places",
                "operation": "query R__places__0_0($c: String!) { region(code: $c) { code __typename } }",
            },
            {
                "kind": "Fetch",
                "service": "scores",
                "operation": "query R__scores__1_0($r0: [_Any!]!) { _e0: _entities(representations: $r0) { ... on Region { latestScore { value } } } }",
                "flatten": ["region"],
            },
        ],
    }
    assert second["data"] == {"region": {"code": "R002", "latestScore": {"value": 0.2}}}
    assert "extensions" not in ministry
    metrics = (await gateway.client.get("/metrics")).text
    assert 'smartcity_gateway_plan_cache_hits{service="gateway"} 2.0' in metrics
    assert 'smartcity_gateway_plan_cache_misses{service="gateway"} 1.0' in metrics
