"""GraphQL over Server-Sent Events, distinct connections mode: a request that accepts
`text/event-stream` is answered with a stream of `next` events and a `complete`. A
subscription streams until it ends; a query or mutation is one `next`. A request refused
before it runs (its syntax, limits, token, or the subscription limits) is answered with a
plain GraphQL error response, as any request is."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from services.gateway.engine import Engine, RequestError
from services.gateway.live.feeds import Feeds, identity
from services.kernel.auth import Principal

EVENT_STREAM = "text/event-stream"
HEARTBEAT_SECONDS = 15.0  # a comment in quiet times, so proxies keep the connection
HEADERS = {"Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no"}


def wants_event_stream(accept: str) -> bool:
    return any(part.split(";")[0].strip().lower() == EVENT_STREAM for part in accept.split(","))


def _next(body: dict[str, Any]) -> str:
    data = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    return f"event: next\ndata: {data}\n\n"


COMPLETE = "event: complete\ndata:\n\n"
HEARTBEAT = ":\n\n"


class _Stream(StreamingResponse):
    """A streaming response that runs `closing` once it is over, however it ended (its
    client gone before the first byte too)."""

    def __init__(
        self,
        events: AsyncIterator[str],
        closing: Callable[[], Awaitable[object]],
        headers: Mapping[str, str],
    ) -> None:
        super().__init__(events, media_type=EVENT_STREAM, headers={**HEADERS, **headers})
        self.closing = closing

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self.closing()


class EventStreams:
    def __init__(self, feeds: Feeds, heartbeat_seconds: float = HEARTBEAT_SECONDS) -> None:
        self.feeds = feeds
        self.heartbeat_seconds = heartbeat_seconds

    async def respond(
        self,
        engine: Engine,
        query: str,
        operation_name: str | None,
        variables: Mapping[str, Any],
        headers: Mapping[str, str],
        principal: Principal,
        client: str,
        trace: Mapping[str, str],
        *,
        reads_only: bool = False,
    ) -> StreamingResponse:
        """Raises RequestError (the caller's mistake, or a limit) before anything streams."""
        prepared = engine.prepare(query, operation_name, variables, principal)
        if reads_only and prepared.kind == "mutation":
            refused = {"message": "a mutation may not be sent with GET",
                       "extensions": {"code": "BAD_USER_INPUT", "field": "query"}}  # fmt: skip
            raise RequestError([refused], 405)
        if prepared.kind != "subscription":
            answer = await engine.run(prepared, headers, principal)

            async def once() -> AsyncIterator[str]:
                yield _next(answer.body)
                yield COMPLETE

            return _Stream(once(), _nothing, trace)
        same = identity(query, operation_name, variables, headers.get("authorization"))
        subscription = self.feeds.subscribe(engine, prepared, same, headers, principal, client)
        subscriber = await subscription.__aenter__()

        async def events() -> AsyncIterator[str]:
            async for body in subscriber.events(self.heartbeat_seconds):
                yield _next(body) if body else HEARTBEAT
            yield COMPLETE

        async def leave() -> None:
            with contextlib.suppress(Exception):
                await subscription.__aexit__(None, None, None)

        return _Stream(events(), leave, trace)


async def _nothing() -> None:
    return None
