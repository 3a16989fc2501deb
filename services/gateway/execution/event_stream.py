"""Reading a subgraph's subscription: the events of a `text/event-stream` response, as the
GraphQL over Server-Sent Events protocol (distinct connections mode) sends them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from services.gateway.execution.subgraph_calls import BAD_RESPONSE, SubgraphFailure

MOST_EVENT_BYTES = 4 * 1024 * 1024  # as much as a subgraph may be sent; one event no more


async def graphql_events(
    lines: AsyncIterator[bytes], subgraph: str
) -> AsyncIterator[dict[str, Any]]:
    """Each `next` event's GraphQL response until `complete` or the stream's end."""
    event, data, size = "message", [], 0
    async for raw in lines:
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if line:
            if line.startswith(":"):
                continue  # a comment: the subgraph keeping the connection alive
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "event":
                event = value
            elif name == "data":
                size += len(value)
                if size > MOST_EVENT_BYTES:
                    raise SubgraphFailure(
                        BAD_RESPONSE, f"subgraph {subgraph} sent too large an event"
                    )
                data.append(value)
            continue
        if event == "complete":
            return
        if event == "next" and data:
            yield _response(subgraph, "\n".join(data))
        event, data, size = "message", [], 0


def _response(subgraph: str, text: str) -> dict[str, Any]:
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if not isinstance(body, dict) or not ("data" in body or "errors" in body):
        raise SubgraphFailure(
            BAD_RESPONSE, f"subgraph {subgraph} sent an event that is not a GraphQL response"
        )
    return body
