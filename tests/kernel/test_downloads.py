"""A document served beside /graphql is made only while its client waits for it."""

from __future__ import annotations

import asyncio

from services.kernel.auth import Principal
from services.kernel.downloads import Download, DownloadEndpoint, File


async def test_a_document_whose_client_went_away_is_no_longer_made():
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def make(params: dict[str, str], principal: Principal) -> File:
        started.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return File(b"%PDF", "application/pdf", "x.pdf")

    messages = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive():
        if messages:
            return messages.pop()
        await started.wait()
        return {"type": "http.disconnect"}

    sent = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/x.pdf", "query_string": b"",
             "headers": [], "path_params": {}}  # fmt: skip
    await asyncio.wait_for(DownloadEndpoint(Download("/x.pdf", make))(scope, receive, send), 5)

    assert cancelled.is_set()
    assert sent == []
