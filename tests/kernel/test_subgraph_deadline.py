"""A subgraph stops a query still running at its deadline; a mutation runs to its end."""

from __future__ import annotations

import asyncio

import httpx
import strawberry

from services.kernel.app import ServiceParts, create_asgi_app
from services.kernel.auth import Role
from services.kernel.graphql import RequestContext, SubgraphSchema
from services.kernel.operation_guard import SubgraphLimits
from services.kernel.query_limits import caller_limits
from tests.support import SECRET, token

DEADLINE = 0.2
events: list[str] = []


@strawberry.type
class Query:
    @strawberry.field
    async def slow(self) -> int:
        events.append("query started")
        try:
            await asyncio.sleep(DEADLINE * 10)
        except asyncio.CancelledError:
            events.append("query cancelled")
            raise
        events.append("query finished")
        return 1


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def slow_write(self) -> int:
        await asyncio.sleep(DEADLINE * 2)
        events.append("mutation finished")
        return 2


async def _nothing() -> None:
    return None


async def _none_parked() -> list:
    return []


def _app():
    schema = SubgraphSchema(query=Query, mutation=Mutation)
    parts = ServiceParts(
        name="slow",
        schema=schema,
        jwt_secret=SECRET,
        token_max_seconds=86_400,
        make_context=lambda principal: RequestContext(principal=principal),
        startup=_nothing,
        shutdown=_nothing,
        limits=SubgraphLimits(caller_limits(100_000, 20_000, 2_000), deadline_seconds=DEADLINE),
        undelivered=_none_parked,
    )
    return create_asgi_app(parts)


async def _post(query: str) -> dict:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://slow") as client:
        response = await client.post(
            "/graphql",
            json={"query": query},
            headers={"authorization": f"Bearer {token(Role.ADMIN)}"},
        )
    return response.json()


async def test_a_query_past_its_deadline_is_cancelled_and_answered_with_the_limit() -> None:
    events.clear()

    body = await _post("{ slow }")

    assert body["data"] is None
    assert body["errors"] == [
        {
            "message": f"the query ran past its deadline of {DEADLINE:g} s and was stopped",
            "extensions": {"code": "DEADLINE_EXCEEDED", "limit": "deadline"},
        }
    ]
    assert events == ["query started", "query cancelled"]


async def test_a_mutation_is_never_stopped_half_way() -> None:
    events.clear()

    body = await _post("mutation { slowWrite }")

    assert body == {"data": {"slowWrite": 2}}
    assert events == ["mutation finished"]
