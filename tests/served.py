"""An ASGI app served by uvicorn on a free loopback port, for as long as a block runs."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import uvicorn

from services.kernel.processes import free_port


class Served:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.url = f"{self.origin}/graphql"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.task = asyncio.create_task(self.server.serve())

    async def started(self) -> None:
        while not self.server.started:  # noqa: ASYNC110 - uvicorn offers no start event
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        """As `smartcity serve` stops: what never ends by itself is ended first."""
        state = getattr(self.app, "state", None)
        for hook in getattr(state, "before_shutdown", ()):
            await hook()
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
