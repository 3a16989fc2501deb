"""Subscriptions through the gateway: each a stream from the subgraph that owns its root
field, with the fields other subgraphs own joined onto every event.

Identical subscriptions (the same operation, variables and token) share one `Feed`: one
stream from the subgraph, one join per event, each event handed to every subscriber (one
who joins later is given the latest first, so a progress is told at once to each). A
subscriber holds at most `queue` events it has not taken; one that falls further behind is
dropped with an error, never buffered without end. Subscriptions are bounded per client and
in total, and so are the distinct streams to subgraphs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from services.gateway.engine import Engine, Prepared, RequestError
from services.gateway.execution.subgraph_calls import SubgraphFailure
from services.kernel.auth import Principal

log = logging.getLogger(__name__)

SUBSCRIPTION_LIMIT = "SUBSCRIPTION_LIMIT"
SLOW_CONSUMER = "SLOW_CONSUMER"
UNAUTHENTICATED = "UNAUTHENTICATED"
UNAVAILABLE = "SUBGRAPH_UNAVAILABLE"
_END = None  # in a subscriber's queue: nothing follows


@dataclass(frozen=True)
class SubscriptionLimits:
    per_client: int = 16  # a dashboard follows a few things at once
    total: int = 2_000
    streams: int = 200  # distinct streams to subgraphs: below a subgraph's connections a client
    queue: int = 32  # events waiting for one subscriber before it is dropped


def _error(message: str, code: str, **extensions: Any) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}


def _refused(message: str, limit: str) -> RequestError:
    return RequestError(_error(message, SUBSCRIPTION_LIMIT, limit=limit)["errors"], 429)


@dataclass(eq=False)
class Subscriber:
    """One client's subscription: the events it has yet to take."""

    client: str
    principal: Principal
    most: int  # events waiting to be taken; beyond them it is dropped
    queue: asyncio.Queue[dict[str, Any] | None] = field(default_factory=asyncio.Queue)
    feed: Feed | None = None
    ended: bool = False

    def put(self, body: dict[str, Any]) -> None:
        if self.ended:
            return
        if self.queue.qsize() < self.most:
            self.queue.put_nowait(body)
            return
        message = f"the client fell {self.most} events behind: the subscription ended"
        while not self.queue.empty():  # what it had not taken is dropped with it
            self.queue.get_nowait()
        self.queue.put_nowait(_error(message, SLOW_CONSUMER, limit="subscriptionQueue"))
        self.end()

    def end(self) -> None:
        """Nothing follows what it was given (room is kept for this mark and one error)."""
        if not self.ended:
            self.ended = True
            self.queue.put_nowait(_END)

    async def events(self, heartbeat_seconds: float | None = None) -> AsyncIterator[dict[str, Any]]:
        """Each event until the subscription ends or the caller's token expires (then an
        error says so). An empty dict, every `heartbeat_seconds` of quiet, keeps a
        connection alive."""
        while True:
            left = self._seconds_left()
            wait = min(x for x in (left, heartbeat_seconds, 3600.0) if x is not None)
            try:
                async with asyncio.timeout(max(wait, 0.0)):
                    body = await self.queue.get()
            except TimeoutError:
                if left is not None and left <= wait:
                    yield _error("the token expired: subscribe again", UNAUTHENTICATED)
                    return
                yield {}
                continue
            if body is _END:
                return
            yield body

    def _seconds_left(self) -> float | None:
        expires_at = self.principal.expires_at
        return None if expires_at is None else expires_at - time.time()


@dataclass(eq=False)
class Feed:
    """One stream from a subgraph, joined once per event for every subscriber of it."""

    key: tuple[Any, ...]
    engine: Engine
    prepared: Prepared
    headers: Mapping[str, str]
    principal: Principal
    subscribers: set[Subscriber] = field(default_factory=set)
    task: asyncio.Task[None] | None = None
    latest: dict[str, Any] | None = None  # given first to whoever joins it later

    def join(self, subscriber: Subscriber) -> None:
        self.subscribers.add(subscriber)
        subscriber.feed = self
        if self.latest is not None:  # a progress is told at once, as it was to the first
            subscriber.put(self.latest)

    async def run(self) -> None:
        first = self.prepared.first
        events = self.engine.clients.subscribe(
            first.subgraph, first.document(()), self._variables(), self.headers
        )
        refused = False
        try:
            async for event in events:
                refused = event.get("data") is None  # refused or failed in the subgraph
                if refused:
                    self._deliver({"errors": event.get("errors") or []})
                    continue
                answer = await self.engine.run(self.prepared, self.headers, self.principal, event)
                self.latest = answer.body
                self._deliver(answer.body)
            if not refused:  # the service is stopping: another replica may serve it
                ended = f"the stream from {first.subgraph} ended: subscribe again"
                self._deliver(_error(ended, UNAVAILABLE, service=first.subgraph))
        except SubgraphFailure as failure:
            self._deliver(_error(failure.message, failure.code, service=first.subgraph))
        except Exception:
            log.exception("gateway: a subscription's stream failed")
            self._deliver(_error("Internal server error", "INTERNAL_SERVER_ERROR"))
        finally:
            for subscriber in list(self.subscribers):
                subscriber.end()

    def _variables(self) -> dict[str, Any]:
        wanted = self.prepared.first.variable_definitions
        return {k: v for k, v in self.prepared.variables.items() if k in wanted}

    def _deliver(self, body: dict[str, Any]) -> None:
        for subscriber in list(self.subscribers):
            subscriber.put(body)


class Feeds:
    """Every subscription the gateway serves, shared where identical, within the limits."""

    def __init__(self, limits: SubscriptionLimits) -> None:
        self.limits = limits
        self.feeds: dict[tuple[Any, ...], Feed] = {}
        self.by_client: Counter[str] = Counter()
        self.subscribers = 0
        self.closing = False

    @contextlib.asynccontextmanager
    async def subscribe(
        self,
        engine: Engine,
        prepared: Prepared,
        identity: tuple[Any, ...],
        headers: Mapping[str, str],
        principal: Principal,
        client: str,
    ) -> AsyncIterator[Subscriber]:
        """A subscriber to the feed of `identity` (the operation, its variables and the
        token), started if it is the first; it leaves when the block ends."""
        subscriber = self._admit(client, principal)
        key = (id(engine), *identity)
        feed = self.feeds.get(key)
        try:
            if feed is None:
                if len(self.feeds) >= self.limits.streams:
                    raise _refused(
                        f"the gateway already follows {self.limits.streams} distinct "
                        "subscriptions: try again later",
                        "subscriptionStreams",
                    )
                feed = self.feeds[key] = Feed(key, engine, prepared, headers, principal)
                feed.task = asyncio.create_task(self._running(feed), name="subscription feed")
            feed.join(subscriber)
            yield subscriber
        finally:
            self._leave(subscriber)

    def _admit(self, client: str, principal: Principal) -> Subscriber:
        if self.closing:
            raise RequestError(_error("the gateway is stopping", "SHUTTING_DOWN")["errors"], 503)
        if self.by_client[client] >= self.limits.per_client:
            raise _refused(
                f"a client may hold {self.limits.per_client} subscriptions at once",
                "subscriptionsPerClient",
            )
        if self.subscribers >= self.limits.total:
            raise _refused(
                f"the gateway holds its most subscriptions ({self.limits.total})",
                "subscriptions",
            )
        self.by_client[client] += 1
        self.subscribers += 1
        return Subscriber(client, principal, self.limits.queue)

    def _leave(self, subscriber: Subscriber) -> None:
        self.subscribers -= 1
        self.by_client[subscriber.client] -= 1
        if self.by_client[subscriber.client] <= 0:
            del self.by_client[subscriber.client]
        feed = subscriber.feed
        if feed is None:
            return
        feed.subscribers.discard(subscriber)
        if not feed.subscribers:
            if self.feeds.get(feed.key) is feed:
                del self.feeds[feed.key]
            if feed.task is not None:
                feed.task.cancel()  # its stream from the subgraph closes with it

    async def _running(self, feed: Feed) -> None:
        try:
            await feed.run()
        finally:
            if self.feeds.get(feed.key) is feed:
                del self.feeds[feed.key]

    async def close(self) -> None:
        """Every subscription ends cleanly (its client told it is complete): the gateway is
        stopping."""
        self.closing = True
        feeds, self.feeds = list(self.feeds.values()), {}
        for feed in feeds:
            if feed.task is not None:
                feed.task.cancel()
            for subscriber in list(feed.subscribers):  # a task cancelled before it ran ends none
                subscriber.end()
        for feed in feeds:
            if feed.task is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await feed.task

    def gauges(self) -> dict[str, float]:
        return {
            "gateway_subscriptions": float(self.subscribers),
            "gateway_subscription_streams": float(len(self.feeds)),
        }


def identity(
    query: str, operation_name: str | None, variables: Mapping[str, Any], authorization: str | None
) -> tuple[Any, ...]:
    """What makes two subscriptions the same: the operation, its variables, the token."""
    return (query, operation_name, json.dumps(variables, sort_keys=True), authorization or "")
