"""The gateway's edge: tokens, tracing, limits, persisted queries, HTTP forms, health."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import types
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import strawberry
from strawberry.asgi import GraphQL

from services.gateway.app import StartupRefused, create_app
from services.gateway.edge.limits import Limits
from services.kernel import auth
from services.kernel.auth import Role
from services.kernel.graphql import SubgraphSchema
from services.kernel.query_limits import CallerLimits, QueryLimits
from tests.gateway.subgraphs import asgi_apps
from tests.gateway.support import Gateway, Subgraphs, gateway_over, settings
from tests.support import SECRET, token

SMALL = QueryLimits(max_depth=4, max_aliases=3, max_root_fields=3)
LIMITS = Limits(max_request_bytes=2_000, max_tokens=200, query=CallerLimits(SMALL, SMALL, SMALL))


@strawberry.type(name="Campaign")
class OtherCampaign:  # conflicts with surveys' Campaign: a second, unshareable definition
    id: int


@strawberry.type
class OtherQuery:
    other_campaign: OtherCampaign | None = None


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[Gateway]:
    async with gateway_over(asgi_apps(), settings(tmp_path), LIMITS) as running:
        yield running


async def post(gateway: Gateway, payload: object, **headers: str) -> httpx.Response:
    gateway.subgraphs.received.clear()
    return await gateway.client.post("/graphql", json=payload, headers=headers)


async def test_the_token_is_verified_and_passed_on_with_tracing_headers(gateway: Gateway) -> None:
    admin = token(Role.ADMIN)
    traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

    response = await post(
        gateway,
        {"query": "{ seenHeaders }"},
        authorization=f"Bearer {admin}",
        traceparent=traceparent,
    )

    seen = response.json()["data"]["seenHeaders"]
    request_id = response.headers["x-request-id"]
    assert seen == [
        f"authorization=Bearer {admin}",
        f"traceparent={traceparent}",
        f"x-request-id={request_id}",
    ]
    assert response.headers["traceparent"] == traceparent


@pytest.mark.parametrize(
    "header", ["Bearer not-a-token", "Basic abc", f"Bearer {token(Role.ADMIN)}x"]
)
async def test_bad_tokens_are_refused_before_any_subgraph_is_asked(
    gateway: Gateway, header: str
) -> None:
    response = await post(gateway, {"query": "{ seenHeaders }"}, authorization=header)

    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert gateway.subgraphs.received == []


@pytest.mark.parametrize(
    ("query", "limit"),
    [
        (
            '{ region(code: "R1") { code } '
            + " ".join(f"r{i}: regions {{ code }}" for i in range(4))
            + " }",
            "aliases",
        ),
        ("{ a: campaignCount b: campaignCount c: campaignCount d: campaignCount }", "aliases"),
        (
            '{ campaignCount topRegions { code } region(code: "R1") { code } regions { code } }',
            "rootFields",
        ),
        (
            '{ places { ... on Region { latestScore { value } } } search(text: "x") { ... on Region { code } } }',
            None,
        ),
        ('query { region(code: "R1") { code } }' + " " * 3000, "requestBytes"),
    ],
)
async def test_limits_refuse_a_request_without_asking_any_subgraph(
    gateway: Gateway, query: str, limit: str | None
) -> None:
    response = await post(gateway, {"query": query})

    errors = response.json().get("errors", [])
    if limit is None:
        assert errors == []
    else:
        assert limit in {e["extensions"].get("limit") for e in errors}
        assert gateway.subgraphs.received == []


async def test_depth_and_tokens_are_limited(gateway: Gateway) -> None:
    deep = (
        '{ a: region(code: "R1") { b: latestScore { value } } places { ... on Region { code } } }'
    )
    nested = await post(
        gateway, {"query": '{ region(code: "R1") { ' + "x { " * 5 + "y" + " }" * 5 + " } }"}
    )
    many_tokens = await post(gateway, {"query": "{ " + " ".join(["a"] * 250) + " }"})
    fine = await post(gateway, {"query": deep})

    assert nested.json()["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "limit": "depth"}
    assert many_tokens.json()["errors"][0]["message"].startswith(
        "Syntax Error: Document contains more than 200 tokens"
    )
    assert "errors" not in fine.json()


async def _gauge(gateway: Gateway, name: str) -> float:
    metrics = (await gateway.client.get("/metrics")).text
    [line] = [line for line in metrics.splitlines() if line.startswith(f"smartcity_{name}{{")]
    return float(line.rsplit(" ", 1)[1])


async def test_the_caches_hold_no_more_bytes_than_they_are_given(tmp_path: Path) -> None:
    limits = Limits(cache_bytes=1_000_000)  # each cache; an entry over 125 KB is not kept
    async with gateway_over(asgi_apps(), settings(tmp_path), limits) as gateway:
        for n in range(40):  # distinct documents of some 400 characters each, weighing ~60 KB
            padding = " ".join(f"alias_number_{i}_of_query_{n}: code" for i in range(14))
            query = f'{{ region(code: "R001") {{ code {padding} }} }}'
            response = await gateway.client.post("/graphql", json={"query": query})
            assert "errors" not in response.json(), response.json()

        documents = await _gauge(gateway, "gateway_document_cache_bytes")
        plans = await _gauge(gateway, "gateway_plan_cache_bytes")

    assert 500_000 < documents <= 1_000_000
    assert 500_000 < plans <= 1_000_000


async def test_a_refusal_asked_again_and_again_holds_nothing_of_the_requests(
    gateway: Gateway,
) -> None:
    """An invalid document's refusal is cached, and raised afresh for each request: the
    cached one, raised again and again, gathered every request's frames onto its traceback,
    and the requests with them (7 KB a request, for as long as the gateway ran)."""

    def tracebacks() -> int:
        gc.collect()
        return sum(isinstance(o, types.TracebackType) for o in gc.get_objects())

    for _ in range(3):
        await post(gateway, {"query": "{ nope }"})
    held = tracebacks()
    for _ in range(50):
        response = await post(gateway, {"query": "{ nope }"})
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert tracebacks() - held < 10


async def test_automatic_persisted_queries(gateway: Gateway) -> None:
    query = '{ region(code: "R007") { name } }'
    digest = hashlib.sha256(query.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}

    unknown = await post(gateway, {"extensions": extensions})
    registered = await post(gateway, {"query": query, "extensions": extensions})
    by_hash = await post(gateway, {"extensions": extensions})
    wrong = await post(gateway, {"query": "{ campaignCount }", "extensions": extensions})

    assert unknown.status_code == 200
    assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert registered.json() == by_hash.json() == {"data": {"region": {"name": "Region 7"}}}
    assert wrong.json()["errors"][0]["message"] == "the sha256Hash does not match the query"


async def test_graphql_over_http_media_types_and_methods(gateway: Gateway) -> None:
    graphql_response = "application/graphql-response+json"
    invalid = {"query": "{ nope }"}

    as_json = await post(gateway, invalid)
    as_graphql = await post(gateway, invalid, accept=graphql_response)
    by_get = await gateway.client.get(
        "/graphql",
        params={
            "query": "query($c: String!) { region(code: $c) { name } }",
            "variables": json.dumps({"c": "R003"}),
        },
    )
    mutation_by_get = await gateway.client.get(
        "/graphql", params={"query": 'mutation { openCampaign(code: "R1") { id } }'}
    )
    wrong_type = await gateway.client.post(
        "/graphql", content="{ campaignCount }", headers={"content-type": "text/plain"}
    )
    broken = await gateway.client.post(
        "/graphql", content="{not json", headers={"content-type": "application/json"}
    )
    ide = await gateway.client.get("/graphql", headers={"accept": "text/html"})

    assert (as_json.status_code, as_json.headers["content-type"]) == (200, "application/json")
    assert (as_graphql.status_code, as_graphql.headers["content-type"]) == (400, graphql_response)
    assert as_graphql.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert by_get.json() == {"data": {"region": {"name": "Region 3"}}}
    assert mutation_by_get.status_code == 405
    assert wrong_type.status_code == 415
    assert broken.status_code == 400
    assert "graphiql" in ide.text.lower()


async def test_bad_variables_are_refused_naming_the_variable(gateway: Gateway) -> None:
    response = await post(
        gateway,
        {"query": "query($c: String!) { region(code: $c) { name } }", "variables": {"c": 5}},
    )

    (error,) = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "variables.c"}
    assert gateway.subgraphs.received == []


async def test_introspection_is_answered_by_the_gateway(gateway: Gateway) -> None:
    response = await post(
        gateway, {"query": "{ __schema { queryType { name } mutationType { fields { name } } } }"}
    )

    schema = response.json()["data"]["__schema"]
    assert schema["queryType"] == {"name": "Query"}
    assert {"renameRegion", "openCampaign", "recomposeSupergraph"} <= {
        f["name"] for f in schema["mutationType"]["fields"]
    }
    assert gateway.subgraphs.received == []


async def test_a_conflicting_subgraph_stops_the_gateway_from_starting(tmp_path: Path) -> None:
    apps = {**asgi_apps(), "other": GraphQL(SubgraphSchema(query=OtherQuery))}
    with pytest.raises(StartupRefused) as refused:
        async with gateway_over(apps, settings(tmp_path)):
            pass

    message = str(refused.value)
    assert (
        "[FIELD_TYPE_MISMATCH] field Campaign.id has different types: String! in surveys; Int! in other"
        in message
    )


async def test_readiness_follows_the_subgraphs_and_a_recomposition_keeps_the_last_good(
    tmp_path: Path,
) -> None:
    config = settings(tmp_path, SMARTCITY_RECOMPOSE_SECONDS="0.05")
    admin = {"Authorization": f"Bearer {token(Role.ADMIN)}"}
    apps = asgi_apps()
    async with gateway_over(apps, config) as running:
        ready = await running.client.get("/readyz")
        running.subgraphs.down.add("places")
        refused = await running.client.post(
            "/graphql", json={"query": "mutation { recomposeSupergraph { digest } }"}, headers=admin
        )
        still = await running.client.post("/graphql", json={"query": "{ topRegions { code } }"})
        status = await running.client.post(
            "/graphql",
            json={"query": "{ supergraph { digest lastError subgraphs } }"},
            headers=admin,
        )

    assert ready.json()["status"] == "ready"
    assert refused.json()["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert still.json() == {"data": {"topRegions": [{"code": "R000"}, {"code": "R001"}]}}
    state = status.json()["data"]["supergraph"]
    assert state["lastError"] == "subgraph places is unavailable"
    assert state["subgraphs"] == ["places", "surveys", "scores", "gateway"]
    assert state["digest"] == ready.json()["supergraph"]


@strawberry.type
class ExtraQuery:
    @strawberry.field
    def extra_before(self) -> int:
        return 1


@strawberry.type
class ChangedExtraQuery:
    @strawberry.field
    def extra_after(self) -> int:
        return 2


async def test_a_recomposition_composes_only_when_a_subgraphs_schema_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.gateway import supergraph_keeper

    composed = []
    compose = supergraph_keeper.compose
    monkeypatch.setattr(supergraph_keeper, "compose", lambda s: composed.append(s) or compose(s))
    recompose = {"query": "mutation { recomposeSupergraph { digest } }"}
    admin = {"Authorization": f"Bearer {token(Role.ADMIN)}"}
    apps = {**asgi_apps(), "extra": GraphQL(SubgraphSchema(query=ExtraQuery))}
    async with gateway_over(apps, settings(tmp_path)) as running:
        first = await running.client.post("/graphql", json=recompose, headers=admin)
        again = await running.client.post("/graphql", json=recompose, headers=admin)
        unchanged = len(composed)
        changed = GraphQL(SubgraphSchema(query=ChangedExtraQuery))
        running.subgraphs.apps["extra"] = httpx.AsyncClient(transport=httpx.ASGITransport(changed))
        after = await running.client.post("/graphql", json=recompose, headers=admin)
        asked = await running.client.post("/graphql", json={"query": "{ extraAfter }"})

    assert unchanged == 1  # at start; asked again with nothing changed, nothing is composed
    assert first.json() == again.json()
    assert len(composed) == 2
    digest = after.json()["data"]["recomposeSupergraph"]["digest"]
    assert digest != first.json()["data"]["recomposeSupergraph"]["digest"]
    assert asked.json() == {"data": {"extraAfter": 2}}


async def test_not_ready_until_the_subgraphs_answer(tmp_path: Path) -> None:
    config = settings(tmp_path, SMARTCITY_RECOMPOSE_SECONDS="0.05")
    apps = asgi_apps()
    subgraphs = Subgraphs(apps)
    subgraphs.down.add("scores")
    app = create_app(
        config, subgraphs={n: f"http://{n}/graphql" for n in apps}, transport=subgraphs
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway"
        ) as client,
    ):
        before = await client.get("/readyz")
        query = await client.post("/graphql", json={"query": "{ campaignCount }"})
        subgraphs.down.clear()
        for _ in range(100):
            after = await client.get("/readyz")
            if after.status_code == 200:
                break
            await asyncio.sleep(0.05)
        answered = await client.post("/graphql", json={"query": "{ campaignCount }"})

    assert before.status_code == 503
    assert before.json()["lastError"] == "subgraph scores is unavailable"
    assert query.status_code == 503
    assert after.status_code == 200
    assert answered.json() == {"data": {"campaignCount": 200}}


async def test_a_remembered_token_is_refused_once_it_expires(gateway: Gateway) -> None:
    short = auth.mint(SECRET, Role.ADMIN, ttl_seconds=1)

    first = await post(gateway, {"query": "{ campaignCount }"}, authorization=f"Bearer {short}")
    await asyncio.sleep(1.1)
    later = await post(gateway, {"query": "{ campaignCount }"}, authorization=f"Bearer {short}")

    assert first.status_code == 200
    assert later.status_code == 401
