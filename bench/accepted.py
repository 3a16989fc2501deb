"""Counts the responses the survey has put on the stream, as a subscriber sees them: each batch
event counts its items, so a benchmark knows when every response it sent is published."""

from __future__ import annotations

import asyncio
from typing import Any

from nats.js.client import JetStreamContext

from services.contracts.events.survey import ResponsesAccepted
from services.kernel import events


class AcceptedResponses:
    """Of the `campaigns` given, or of every campaign."""

    def __init__(self, campaigns: set[str] | None = None) -> None:
        self.campaigns = campaigns
        self.count = 0
        self.response_ids: set[str] = set()
        self._subscription: Any = None

    async def follow(self, js: JetStreamContext) -> None:
        """Counts from the start of the stream, in the background until `stop`."""
        self._subscription = await js.subscribe(
            ResponsesAccepted.subject, cb=self._receive, ordered_consumer=True
        )

    async def _receive(self, message: Any) -> None:
        data = events.decode(message.data)["data"]
        if self.campaigns is not None and data["campaign_id"] not in self.campaigns:
            return
        for item in data["items"]:
            self.count += 1
            self.response_ids.add(item["response_id"])

    @property
    def distinct(self) -> int:
        """Responses counted once however many batches named them."""
        return len(self.response_ids)

    async def until(self, wanted: int, timeout: float) -> None:
        async with asyncio.timeout(timeout):
            while self.distinct < wanted:  # noqa: ASYNC110 - fed by the subscription
                await asyncio.sleep(0.05)

    async def stop(self) -> None:
        if self._subscription is not None:
            await self._subscription.unsubscribe()
