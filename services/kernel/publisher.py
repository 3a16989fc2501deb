"""Publishes CloudEvents to JetStream with `Nats-Msg-Id` so the server drops duplicates."""

from __future__ import annotations

from typing import Any, Protocol

from services.kernel import events
from services.kernel.messaging import NatsLink


class Publish(Protocol):
    async def __call__(self, cloud_event: dict[str, Any]) -> None: ...


class JetStreamPublisher:
    def __init__(self, link: NatsLink, timeout: float = 5.0) -> None:
        self.link = link
        self.timeout = timeout

    async def __call__(self, cloud_event: dict[str, Any]) -> None:
        if not self.link.is_connected:
            raise ConnectionError("NATS is not connected")
        js = await self.link.jetstream()
        await js.publish(
            events.nats_subject(cloud_event),
            events.encode(cloud_event),
            timeout=self.timeout,
            headers={"Nats-Msg-Id": cloud_event["id"]},
        )
