"""The gateway over subgraphs served by uvicorn on loopback ports: real pooled HTTP."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import httpx

from services.gateway.app import create_app
from tests.gateway.subgraphs import asgi_apps
from tests.gateway.support import settings
from tests.served import served

QUERY = "{ regions(count: 20) { code campaigns { id } latestScore { value } } }"


async def test_cross_subgraph_queries_over_loopback_and_a_subgraph_stopping(tmp_path: Path) -> None:
    async with contextlib.AsyncExitStack() as stack:
        servers = {
            name: await stack.enter_async_context(served(app)) for name, app in asgi_apps().items()
        }
        gateway = create_app(
            settings(tmp_path), subgraphs={name: s.url for name, s in servers.items()}
        )
        await stack.enter_async_context(gateway.router.lifespan_context(gateway))
        client = await stack.enter_async_context(
            httpx.AsyncClient(transport=httpx.ASGITransport(app=gateway), base_url="http://gateway")
        )
        answers = await asyncio.gather(
            *(client.post("/graphql", json={"query": QUERY}) for _ in range(10))
        )
        await servers["surveys"].stop()
        partial = await client.post("/graphql", json={"query": QUERY})

    expected = [
        {
            "code": f"R{i:03d}",
            "campaigns": [{"id": f"R{i:03d}-c1"}],
            "latestScore": {"value": i / 10},
        }
        for i in range(20)
    ]
    assert all(a.json() == {"data": {"regions": expected}} for a in answers)
    assert partial.status_code == 200
    body = partial.json()
    assert [r["campaigns"] for r in body["data"]["regions"]] == [None] * 20
    assert [r["latestScore"] for r in body["data"]["regions"]] == [
        e["latestScore"] for e in expected
    ]
    assert {e["extensions"]["code"] for e in body["errors"]} == {"SUBGRAPH_UNAVAILABLE"}
    assert [e["path"] for e in body["errors"]] == [["regions", i, "campaigns"] for i in range(20)]
