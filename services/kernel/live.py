"""Changes as they happen, for the subscriptions a process serves.

Each process listens to an event subject once, on a plain NATS subscription (not a durable
consumer), so every replica of a service sees every event its subscribers care about. A
subscription is told which keys changed, not given the events: it reads the current state of
each key itself when it is ready, so a subscriber that falls behind holds one entry per key
that changed (a region, a campaign), never a queue of events, and a key that changed twice
while it was busy is read once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

from services.kernel import errors
from services.kernel.auth import Principal

log = logging.getLogger(__name__)

MOST_PENDING_KEYS = 2_048  # a cycle's regions, several times over
CONNECT_SECONDS = 5.0

# the key of a change an event's data tells of, or None when it is not one a watch wants
Pick = Callable[[dict[str, Any]], str | None]


class Overflowed(errors.UserError):
    code = "SUBSCRIPTION_OVERFLOW"

    def __init__(self) -> None:
        super().__init__(
            f"more than {MOST_PENDING_KEYS} changes waited to be read: the subscription ended"
        )


class Unavailable(errors.UserError):
    code = "LIVE_UNAVAILABLE"


@dataclass(eq=False)
class Watch:
    """One subscription's changed keys, each once, in the order they first changed."""

    pick: Pick
    keys: dict[str, None] = field(default_factory=dict)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    overflowed: bool = False
    closed: bool = False  # the process is stopping: the subscription ends, complete

    def offer(self, data: dict[str, Any]) -> None:
        key = self.pick(data)
        if key is None or self.overflowed:
            return
        if key not in self.keys and len(self.keys) >= MOST_PENDING_KEYS:
            self.overflowed = True
        else:
            self.keys[key] = None
        self.ready.set()

    async def changed(self) -> list[str] | None:
        """The keys changed since the last call, once at least one has; None once the
        process is stopping."""
        await self.ready.wait()
        if self.closed:
            return None
        if self.overflowed:
            raise Overflowed
        self.ready.clear()
        taken, self.keys = list(self.keys), {}
        return taken


@dataclass
class _Listener:
    subscription: Subscription
    watches: set[Watch]


class LiveChanges:
    """One NATS subscription per subject, shared by every watch of it in this process."""

    def __init__(self, client: Callable[[], Awaitable[Client]]) -> None:
        self.client = client  # awaited for the connection, once it is up
        self.listeners: dict[str, _Listener] = {}
        self.lock = asyncio.Lock()

    @property
    def watching(self) -> int:
        return sum(len(listener.watches) for listener in self.listeners.values())

    @contextlib.asynccontextmanager
    async def watch(self, subject: str, pick: Pick) -> AsyncIterator[Watch]:
        watch = Watch(pick)
        await self._add(subject, watch)
        try:
            yield watch
        finally:
            await self._remove(subject, watch)

    async def _add(self, subject: str, watch: Watch) -> None:
        async with self.lock:
            listener = self.listeners.get(subject)
            if listener is None:
                try:
                    async with asyncio.timeout(CONNECT_SECONDS):
                        client: Client = await self.client()
                except TimeoutError:
                    raise Unavailable(
                        "live changes are unavailable: NATS is not connected"
                    ) from None
                watches: set[Watch] = set()
                subscription = await client.subscribe(subject, cb=self._deliver(watches))
                listener = self.listeners[subject] = _Listener(subscription, watches)
            listener.watches.add(watch)

    async def _remove(self, subject: str, watch: Watch) -> None:
        async with self.lock:
            listener = self.listeners.get(subject)
            if listener is None:
                return
            listener.watches.discard(watch)
            if not listener.watches:
                del self.listeners[subject]
                with contextlib.suppress(Exception):  # a closed connection has none left
                    await listener.subscription.unsubscribe()

    def close(self) -> None:
        """Every watch ends: the process is stopping, and its server waits for the streams
        under way to finish."""
        for listener in self.listeners.values():
            for watch in listener.watches:
                watch.closed = True
                watch.ready.set()

    @staticmethod
    def _deliver(watches: set[Watch]) -> Callable[[Msg], Any]:
        async def deliver(message: Msg) -> None:
            try:
                data = json.loads(message.data)["data"]
            except (ValueError, KeyError, TypeError):
                log.warning("live: an event on %s is not a CloudEvent", message.subject)
                return
            if isinstance(data, dict):
                for watch in list(watches):
                    watch.offer(data)

        return deliver


async def following(
    live: LiveChanges | None,
    subject: str,
    pick: Pick,
    principal: Principal,
    *,
    at_once: bool = False,
) -> AsyncIterator[list[str]]:
    """The keys changed on `subject`, batch by batch, until the caller's token expires: then
    the subscription ends with an error saying so, as a query would be refused. `at_once`
    gives an empty batch first, once the watch is in place, for a subscription to tell the
    state it starts from without missing a change meanwhile."""
    if live is None:
        raise Unavailable("live changes are not served here")
    async with live.watch(subject, pick) as watch:
        if at_once:
            yield []
        while True:
            try:
                async with asyncio.timeout_at(_deadline(principal)):
                    keys = await watch.changed()
            except TimeoutError:
                raise errors.Unauthenticated("the token expired: subscribe again") from None
            if keys is None:
                return
            yield keys


def _deadline(principal: Principal) -> float | None:
    """The token's expiry on the event loop's clock (None: it never expires)."""
    if principal.expires_at is None:
        return None
    loop = asyncio.get_running_loop()
    return loop.time() + max(0.0, principal.expires_at - time.time())
