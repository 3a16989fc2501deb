"""The gateway's subscriptions among themselves: identical ones share one stream from the
subgraph; a subscriber that falls behind is dropped while the others go on; the bounds hold."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from services.gateway.engine import RequestError
from services.gateway.live.feeds import Feeds, SubscriptionLimits, identity
from services.kernel import auth
from tests.support import SECRET


@dataclass
class _Answer:
    body: dict[str, Any]


@dataclass
class _Fetch:
    subgraph: str = "scoring"
    variable_definitions: dict[str, str] = field(default_factory=dict)

    def document(self, _: tuple[int, ...]) -> str:
        return "subscription { ticks }"


@dataclass
class _Prepared:
    first: _Fetch = field(default_factory=_Fetch)
    variables: dict[str, Any] = field(default_factory=dict)


class _Subgraph:
    """A subgraph's stream, fed by the test; it counts the streams opened."""

    def __init__(self) -> None:
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.opened = 0

    async def subscribe(self, *_: Any) -> AsyncIterator[dict[str, Any]]:
        self.opened += 1
        while True:
            yield await self.events.get()


class _Engine:
    """Joins nothing: each event is the answer."""

    def __init__(self) -> None:
        self.clients = _Subgraph()

    async def run(self, _: Any, __: Any, ___: Any, event: dict[str, Any]) -> _Answer:
        return _Answer(event)


PRINCIPAL = auth.principal_from_header(
    f"Bearer {auth.mint(SECRET, auth.Role.MINISTRY)}", SECRET, 86_400
)
SAME = identity("subscription { ticks }", None, {}, "Bearer x")


async def _take(events: AsyncIterator[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    taken = []
    async with asyncio.timeout(5):
        async for event in events:
            taken.append(event)
            if len(taken) == count:
                break
    return taken


async def test_identical_subscriptions_share_a_stream_and_a_slow_one_is_dropped() -> None:
    feeds = Feeds(SubscriptionLimits(queue=3))
    engine = _Engine()
    subscribe = (engine, _Prepared(), SAME, {}, PRINCIPAL)
    async with (
        feeds.subscribe(*subscribe, "fast") as fast,  # type: ignore[arg-type]
        feeds.subscribe(*subscribe, "slow") as slow,  # type: ignore[arg-type]
    ):
        taking = fast.events()
        for n in range(8):
            await engine.clients.events.put({"data": {"ticks": n}})
            assert await _take(taking, 1) == [{"data": {"ticks": n}}]
        assert engine.clients.opened == 1
        dropped = [event async for event in slow.events()]  # it never took one
    [error] = dropped[0]["errors"]
    assert error["extensions"] == {"code": "SLOW_CONSUMER", "limit": "subscriptionQueue"}
    assert len(dropped) == 1  # what it had not taken went with it
    await asyncio.sleep(0)
    assert feeds.gauges() == {"gateway_subscriptions": 0.0, "gateway_subscription_streams": 0.0}


async def test_who_joins_a_shared_stream_later_is_given_its_latest_event_first() -> None:
    feeds = Feeds(SubscriptionLimits())
    engine = _Engine()
    subscribe = (engine, _Prepared(), SAME, {}, PRINCIPAL)
    async with feeds.subscribe(*subscribe, "first") as first:  # type: ignore[arg-type]
        await engine.clients.events.put({"data": {"progress": 1}})
        assert await _take(first.events(), 1) == [{"data": {"progress": 1}}]
        async with feeds.subscribe(*subscribe, "later") as later:  # type: ignore[arg-type]
            taking = later.events()
            assert await _take(taking, 1) == [{"data": {"progress": 1}}]
            await engine.clients.events.put({"data": {"progress": 2}})
            assert await _take(taking, 1) == [{"data": {"progress": 2}}]
    assert engine.clients.opened == 1


async def test_subscriptions_are_bounded_per_client_and_in_total() -> None:
    feeds = Feeds(SubscriptionLimits(per_client=2, total=3))
    engine = _Engine()

    async def hold(client: str) -> Any:
        return feeds.subscribe(engine, _Prepared(), SAME, {}, PRINCIPAL, client)  # type: ignore[arg-type]

    held = [await (await hold(c)).__aenter__() for c in ("a", "a", "b")]
    for client, limit in (("a", "subscriptionsPerClient"), ("c", "subscriptions")):
        with pytest.raises(RequestError) as refused:
            await (await hold(client)).__aenter__()
        assert refused.value.errors[0]["extensions"] == {
            "code": "SUBSCRIPTION_LIMIT",
            "limit": limit,
        }
    assert len(held) == 3
    await feeds.close()
    for subscriber in held:
        assert [event async for event in subscriber.events()] == []  # ended, cleanly
