"""Reading what reached the SMARTCITY stream, for tests against a real nats-server."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import nats

from services.kernel import events
from services.kernel.messaging import STREAM


async def stream_messages(url: str) -> list[tuple[dict[str, Any], dict[str, str]]]:
    """Every message in the stream, as (CloudEvent, headers), in stream order."""
    client = await nats.connect(url)
    try:
        js = client.jetstream()
        info = await js.stream_info(STREAM)
        found = []
        for sequence in range(info.state.first_seq, info.state.last_seq + 1):
            message = await js.get_msg(STREAM, sequence)
            found.append((events.decode(message.data), dict(message.headers or {})))
        return found
    finally:
        await client.close()


async def wait_for_messages(url: str, count: int, timeout: float = 20.0) -> list[dict[str, Any]]:
    """Waits until the stream holds at least `count` messages, then returns their events."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = await stream_messages(url)
        except Exception:
            found = []
        if len(found) >= count or time.monotonic() > deadline:
            return [cloud_event for cloud_event, _ in found]
        await asyncio.sleep(0.1)
