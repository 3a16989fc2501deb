"""A service run in the test's own process: its runtime, events handed to its consumers as
the stream would hand them, and a wait for its background work."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import httpx
from starlette.applications import Starlette

from services.kernel import events
from services.kernel.runtime import ServiceRuntime
from tests import support

if TYPE_CHECKING:
    from tests.catalog.test_api import Recorder


FETCH = 100  # events a consumer fetches at once, by default


def runtime_of(app: Starlette) -> ServiceRuntime[Any]:
    """The runtime behind an app that `kernel.runtime.serve` made."""
    runtime: ServiceRuntime[Any] = app.state.runtime
    return runtime


async def deliver(app: Starlette, *cloud_events: dict[str, Any]) -> None:
    """Hands events to every consumer of the service as one fetched batch, as the stream
    would."""
    raws = [events.encode(cloud_event) for cloud_event in cloud_events]
    for consumer in runtime_of(app).consumers:
        await consumer.handle_batch(raws)


async def settled(app: Starlette, timeout_seconds: float = 10.0) -> None:
    """Returns once the service's background work is done and its events are published."""
    runtime = runtime_of(app)
    async with asyncio.timeout(timeout_seconds):
        if runtime.wiring.idle:
            await runtime.wiring.idle()
        while runtime.relay and await runtime.relay.pending():  # noqa: ASYNC110 - no event for it
            await asyncio.sleep(0.01)


class Api:
    """A service over HTTP in this process, what it published recorded, and the facts it
    would learn from the stream handed to it."""

    def __init__(self, client: httpx.AsyncClient, app: Starlette, published: Recorder) -> None:
        self.client, self.app, self.published = client, app, published

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, *, bearer: str | None = None
    ) -> dict[str, Any]:
        return await support.graphql(self.client, query, variables, bearer=bearer)

    async def learn(self, *cloud_events: dict[str, Any]) -> None:
        """The events handed over in fetches of up to `FETCH`, as a consumer fetches them."""
        for start in range(0, len(cloud_events), FETCH):
            await deliver(self.app, *cloud_events[start : start + FETCH])
