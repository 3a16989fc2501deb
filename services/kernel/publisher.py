"""Publishes CloudEvents to JetStream with `Nats-Msg-Id` so the server drops duplicates."""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from nats.errors import MaxPayloadError
from nats.js.errors import BadRequestError

from services.kernel import events
from services.kernel.messaging import NatsLink


class Undeliverable(Exception):
    """The stream refuses the event for what it is: sending it again would change nothing."""

    def __init__(self, reason: str, size_bytes: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.size_bytes = size_bytes


class Publish(Protocol):
    async def __call__(self, cloud_event: dict[str, Any]) -> None: ...


class JetStreamPublisher:
    def __init__(self, link: NatsLink, timeout: float = 5.0) -> None:
        self.link = link
        self.timeout = timeout

    async def __call__(self, cloud_event: dict[str, Any]) -> None:
        """Waits up to `timeout` for the first connection; refuses while reconnecting, so an
        outage is the relay's to retry rather than nats.py's to buffer."""
        try:
            async with asyncio.timeout(self.timeout):
                js = await self.link.jetstream()
        except TimeoutError:
            raise ConnectionError("NATS is not connected yet") from None
        if not self.link.is_connected:
            raise ConnectionError("NATS is not connected")
        payload = events.encode(cloud_event)
        try:
            await js.publish(
                events.nats_subject(cloud_event),
                payload,
                timeout=self.timeout,
                headers={"Nats-Msg-Id": cloud_event["id"]},
            )
        except (MaxPayloadError, BadRequestError) as exc:
            raise Undeliverable(f"{exc} ({len(payload)} bytes)", len(payload)) from exc
