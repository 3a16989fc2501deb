"""Small documents written to cost a lot: exponential fragments, repeated fragments inside a
field, nested lists. Each is refused with the limit at fault before any work is done, at the
gateway and straight at each subgraph, and everyone keeps answering."""

from __future__ import annotations

import pytest

from bench import hostile
from services.kernel.auth import Role
from tests.security import world as w
from tests.support import token

ADMIN = token(Role.ADMIN)
NESTED_LISTS = "{ regions(first: 500) { programs(first: 500) { region { programs(first: 500) { id name } } } } }"


@pytest.fixture
async def world(tmp_path):
    async with w.running_world(tmp_path) as world:
        yield world


async def _post(client, query: str, bearer: str | None = None):
    headers = {"authorization": f"Bearer {bearer}"} if bearer else {}
    response = await client.post("/graphql", json={"query": query}, headers=headers)
    return response.json()


async def _gauge(client, name: str) -> float:
    metrics = (await client.get("/metrics")).text
    [line] = [line for line in metrics.splitlines() if line.startswith(f"smartcity_{name}{{")]
    return float(line.rsplit(" ", 1)[1])


def _messages(body) -> list[str]:
    return [error["message"] for error in body["errors"]]


def _extensions(body) -> list[dict]:
    return [error["extensions"] for error in body["errors"]]


@pytest.mark.integration
@pytest.mark.timeout(60)  # each fragment walked once per spread would take 2^40 steps
async def test_an_exponential_fragment_bomb_is_refused_before_it_is_expanded(world):
    bomb = hostile.fragment_bomb(40)
    assert len(bomb) < 2_000

    world.gateway.subgraphs.received.clear()
    at_gateway = await _post(world.gateway.client, bomb)
    direct = {name: await _post(client, bomb, ADMIN) for name, client in world.direct.items()}

    fields = f"the query asks for {2**41} fields once its fragments are expanded"  # regions, code
    assert f"{fields}; at most 1000 allowed" in _messages(at_gateway)
    assert world.gateway.subgraphs.received == []
    for name, body in direct.items():
        assert f"{fields}; at most 4000 allowed" in _messages(body), name
    regions = await world.admin("{ regions { code } }")
    assert {r["code"] for r in regions["regions"]} >= {w.REGION, w.OTHER_REGION}


@pytest.mark.integration
async def test_fragments_repeated_inside_a_field_are_refused_and_leave_no_plan_behind(world):
    planned = await _gauge(world.gateway.client, "gateway_plan_cache_entries")
    query = hostile.repeated_in_a_field(18)

    world.gateway.subgraphs.received.clear()
    at_gateway = await _post(world.gateway.client, query, ADMIN)
    at_catalog = await _post(world.direct["catalog"], query, ADMIN)

    expanded = {"code": "BAD_USER_INPUT", "limit": "fields"}
    assert expanded in _extensions(at_gateway)
    assert expanded in _extensions(at_catalog)
    assert await _gauge(world.gateway.client, "gateway_plan_cache_entries") == planned
    assert world.gateway.subgraphs.received == []


@pytest.mark.integration
async def test_a_field_repeated_hundreds_of_times_is_refused_before_it_is_validated(world):
    # validation compares every two fields answering under one name: 300 x 299 / 2 pairs
    query = "{ regions { " + "code " * 300 + "} }"

    world.gateway.subgraphs.received.clear()
    at_gateway = await _post(world.gateway.client, query, ADMIN)
    at_survey = await _post(world.direct["survey"], query, ADMIN)

    assert _extensions(at_gateway) == [{"code": "BAD_USER_INPUT", "limit": "overlaps"}]
    assert _messages(at_gateway) == [
        "the query repeats fields under one name 44850 times over; at most 2000 allowed"
    ]
    assert {"code": "BAD_USER_INPUT", "limit": "overlaps"} in _extensions(at_survey)
    assert world.gateway.subgraphs.received == []


@pytest.mark.integration
async def test_nested_lists_are_refused_with_their_cost_and_the_callers_allowance(world):
    world.gateway.subgraphs.received.clear()
    anonymous = await _post(world.gateway.client, NESTED_LISTS)
    admin = await _post(world.gateway.client, NESTED_LISTS, ADMIN)
    at_catalog = await _post(world.direct["catalog"], NESTED_LISTS, ADMIN)

    # each list of programs is read for the whole page of parents at once: @cost(weight: 2)
    cost = 500 * (1 + 2 + 500 * (1 + 1 * (1 + 2 + 500)))
    assert _extensions(anonymous) == [
        {"code": "COST_LIMIT", "limit": "cost", "cost": cost, "maxCost": 2_000}
    ]
    assert _extensions(admin) == [
        {"code": "COST_LIMIT", "limit": "cost", "cost": cost, "maxCost": 100_000}
    ]
    assert _extensions(at_catalog) == [
        {"code": "COST_LIMIT", "limit": "cost", "cost": cost, "maxCost": 200_000}
    ]
    assert world.gateway.subgraphs.received == []


@pytest.mark.integration
async def test_anonymous_callers_are_held_tighter_than_signed_in_ones_and_these_than_staff(world):
    # r regions, each with up to n programs, read for the whole page at once (weight 2)
    page = "query($r: Int!, $n: Int!) { regions(first: $r) { code programs(first: $n) { id } } }"
    operator = token(Role.REGION_OPERATOR, region=w.REGION)

    async def ask(bearer: str | None, regions: int, programs: int) -> dict:
        headers = {"authorization": f"Bearer {bearer}"} if bearer else {}
        response = await world.gateway.client.post(
            "/graphql",
            json={"query": page, "variables": {"r": regions, "n": programs}},
            headers=headers,
        )
        return response.json()

    refused = {
        "anonymous": await ask(None, 500, 2),
        "region operator": await ask(operator, 100, 250),
    }
    answered = {
        "anonymous": await ask(None, 300, 2),
        "region operator": await ask(operator, 100, 150),
        "admin": await ask(ADMIN, 100, 500),
    }

    assert {who: _extensions(body) for who, body in refused.items()} == {
        "anonymous": [{"code": "COST_LIMIT", "limit": "cost", "cost": 2_500, "maxCost": 2_000}],
        "region operator": [
            {"code": "COST_LIMIT", "limit": "cost", "cost": 25_300, "maxCost": 20_000}
        ],
    }
    assert {who: body.get("errors") for who, body in answered.items()} == dict.fromkeys(answered)
    codes = {r["code"] for r in answered["admin"]["data"]["regions"]}
    assert codes >= {w.REGION, w.OTHER_REGION}


LEFT_OUT = "query($n: Int) { regions(first: $n) { code programs(first: $n) { id region { programs(first: $n) { id } } } } }"
# each list served at the argument's default of 100, as the catalog serves a `first` left out
LEFT_OUT_COST = 100 * (1 + 2 + 100 * (1 + 1 + 2 + 100))


@pytest.mark.integration
@pytest.mark.parametrize(
    ("query", "variables"),
    [
        (LEFT_OUT, {}),
        (LEFT_OUT, {"n": None}),
        (LEFT_OUT.replace("$n: Int)", "$n: Int = 100)"), {}),
    ],
    ids=["left out", "null", "the variable's default"],
)
async def test_a_page_size_left_out_is_priced_at_what_the_subgraph_serves(world, query, variables):
    citizen = await world.respondent()
    world.gateway.subgraphs.received.clear()

    response = await world.gateway.client.post(
        "/graphql", json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {citizen}"},
    )  # fmt: skip
    at_catalog = await world.direct["catalog"].post(
        "/graphql", json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {citizen}"},
    )  # fmt: skip

    refused = {"code": "COST_LIMIT", "limit": "cost", "cost": LEFT_OUT_COST}
    assert _extensions(response.json()) == [refused | {"maxCost": 20_000}]
    assert _extensions(at_catalog.json()) == [refused | {"maxCost": 40_000}]
    assert world.gateway.subgraphs.received == []


@pytest.mark.integration
async def test_an_anonymous_page_size_left_out_is_priced_at_the_default(world):
    query = "query($n: Int) { regions(first: $n) { code programs(first: $n) { id } } }"

    body = await _post(world.gateway.client, query)

    assert _extensions(body) == [
        {"code": "COST_LIMIT", "limit": "cost", "cost": 100 * (1 + 2 + 100), "maxCost": 2_000}
    ]
