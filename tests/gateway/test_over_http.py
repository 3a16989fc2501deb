"""The gateway over subgraphs served by uvicorn on loopback ports: real pooled HTTP."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from services.gateway.app import create_app
from services.kernel.processes import free_port
from tests.gateway.subgraphs import asgi_apps
from tests.gateway.support import settings

QUERY = "{ regions(count: 20) { code campaigns { id } latestScore { value } } }"


class Served:
    def __init__(self, app: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/graphql"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.task = asyncio.create_task(self.server.serve())

    async def started(self) -> None:
        while not self.server.started:  # noqa: ASYNC110 - uvicorn offers no start event
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        self.server.should_exit = True
        await self.task


@contextlib.asynccontextmanager
async def served(app: Any) -> AsyncIterator[Served]:
    running = Served(app)
    await running.started()
    try:
        yield running
    finally:
        await running.stop()


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
