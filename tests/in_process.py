"""A service run in the test's own process: its runtime, events handed to its consumers as
the stream would hand them, and a wait for its background work."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.applications import Starlette

from services.kernel import events
from services.kernel.runtime import ServiceRuntime


def runtime_of(app: Starlette) -> ServiceRuntime[Any]:
    """The runtime behind an app that `kernel.runtime.serve` made."""
    runtime: ServiceRuntime[Any] = app.state.runtime
    return runtime


async def deliver(app: Starlette, cloud_event: dict[str, Any]) -> None:
    """Hands an event to every consumer of the service, as the stream would."""
    raw = events.encode(cloud_event)
    for consumer in runtime_of(app).consumers:
        await consumer.handle(raw)


async def settled(app: Starlette, timeout_seconds: float = 10.0) -> None:
    """Returns once the service's background work is done and its events are published."""
    runtime = runtime_of(app)
    async with asyncio.timeout(timeout_seconds):
        if runtime.wiring.idle:
            await runtime.wiring.idle()
        while runtime.relay and await runtime.relay.pending():  # noqa: ASYNC110 - no event for it
            await asyncio.sleep(0.01)
