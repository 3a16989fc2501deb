"""Subscriptions through the gateway, over a real nats-server with the services and the
gateway served on loopback: a scorecard changed by a mutation through the gateway reaches a
subscriber with a field of another subgraph joined on; forbidden subscriptions are refused;
the limits hold; a token's expiry and the gateway's stop end a subscription cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from services.kernel import auth
from tests.in_process import runtime_of
from tests.security.world import ASSIGNED, REGION, World, running_world
from tests.support import SECRET, token

SCORE = "mutation($i: ScoreAnswerInput!) { scoreAnswer(input: $i) { revision } }"
CHANGED = """subscription($c: String!) { scorecardChanged(cycleId: $c) {
  regionCode region { name } scorecard { finalIndex counted { assessorScores } } } }"""
PROGRESS = """subscription($c: String!) { rescoringProgress(cycleId: $c) {
  cycleId activeRulesetVersion scorecards onActive waiting } }"""
CAMPAIGN = """subscription($id: ID!) { campaignProgress(campaignId: $id) {
  id cycle { year } quotas { subDimension answered } } }"""
RESPOND = """mutation($i: SubmitResponseInput!) { submitResponse(input: $i) { __typename } }"""


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with running_world(tmp_path, over_loopback=True) as running:
        yield running


@contextlib.asynccontextmanager
async def event_stream(
    world: World, query: str, variables: dict[str, Any], bearer: str | None
) -> AsyncIterator[tuple[httpx.Response, AsyncIterator[dict[str, Any]]]]:
    """A subscription over Server-Sent Events: the response, and its `next` payloads until
    `complete`."""
    headers = {"accept": "text/event-stream"}
    if bearer:
        headers["authorization"] = f"Bearer {bearer}"
    async with (
        httpx.AsyncClient(base_url=world.origin, timeout=30) as client,
        client.stream(
            "POST", "/graphql", json={"query": query, "variables": variables}, headers=headers
        ) as response,
    ):

        async def events() -> AsyncIterator[dict[str, Any]]:
            kind = ""
            async for line in response.aiter_lines():
                if line.startswith("event: "):
                    kind = line.removeprefix("event: ")
                    if kind == "complete":
                        return
                elif line.startswith("data: ") and kind == "next":
                    yield json.loads(line.removeprefix("data: "))

        yield response, events()


async def test_a_scorecard_changed_through_the_gateway_reaches_its_subscriber_with_the_region_joined(
    world: World,
) -> None:
    ministry = token(auth.Role.MINISTRY)
    async with event_stream(world, CHANGED, {"c": world.cycle_id}, ministry) as (response, events):
        assert response.headers["content-type"].startswith("text/event-stream")
        await asyncio.sleep(0.3)  # the subscription is in place at the subgraph
        assessor = auth.mint(SECRET, auth.Role.ASSESSOR, subject=ASSIGNED)
        score = {"campaignId": world.assessor_campaign, "questionCode": "A.1.1.1", "score": 1}
        await world.admin.as_(assessor)(SCORE, {"i": score})
        async with asyncio.timeout(20):
            event = await anext(events)
    change = event["data"]["scorecardChanged"]
    assert "errors" not in event
    assert change["regionCode"] == REGION
    assert change["region"] == {"name": f"Kota Uji {REGION}"}  # joined from the catalog
    query = """query($r: String!, $c: String!) { scorecard(regionCode: $r, cycleId: $c) {
      finalIndex counted { assessorScores } } }"""
    stored = await world.admin(query, {"r": REGION, "c": world.cycle_id})
    assert change["scorecard"] == stored["scorecard"]  # what a query shows now
    # the client gone, its subscription ends at the gateway and at scoring
    feeds, live = world.gateway.app.state.feeds, runtime_of(world.apps["scoring"]).live
    for _ in range(100):
        if (feeds.subscribers, len(feeds.feeds), live.watching) == (0, 0, 0):
            break
        await asyncio.sleep(0.05)
    assert (feeds.subscribers, len(feeds.feeds), live.watching) == (0, 0, 0)


async def test_who_may_not_follow_an_open_cycle_is_refused(world: World) -> None:
    operator = auth.mint(SECRET, auth.Role.REGION_OPERATOR, region=REGION)
    for bearer, variables, code in (
        (None, {"c": world.cycle_id}, "FORBIDDEN"),  # anyone: only closed cycles
        (operator, {"c": world.cycle_id}, "FORBIDDEN"),  # an operator names their region
    ):
        async with event_stream(world, CHANGED, variables, bearer) as (_, events):
            async with asyncio.timeout(10):
                found = [event async for event in events]
        assert [e["errors"][0]["extensions"]["code"] for e in found] == [code], found
    # progress is for ministries and admins
    async with event_stream(world, PROGRESS, {"c": world.cycle_id}, operator) as (_, events):
        found = [event async for event in events]
    assert found[0]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # a mistake in the document is refused before anything streams, as any request is
    async with event_stream(world, "subscription { nothing }", {}, None) as (response, _):
        await response.aread()
    assert response.status_code == 400 and response.json()["errors"]


@contextlib.asynccontextmanager
async def transport_ws(world: World, bearer: str) -> AsyncIterator[Any]:
    url = world.origin.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as socket:  # type: ignore[list-item]
        await socket.send(json.dumps({"type": "connection_init",
                                      "payload": {"Authorization": f"Bearer {bearer}"}}))  # fmt: skip
        assert json.loads(await socket.recv()) == {"type": "connection_ack"}
        yield socket


async def received(socket: Any) -> dict[str, Any]:
    async with asyncio.timeout(20):
        message: dict[str, Any] = json.loads(await socket.recv())
    return message


async def test_over_websocket_progress_is_told_and_a_client_holds_a_bounded_number(
    world: World,
) -> None:
    admin = token(auth.Role.ADMIN)
    async with transport_ws(world, admin) as socket:
        subscribe = {"query": PROGRESS, "variables": {"c": world.cycle_id}}
        await socket.send(json.dumps({"id": "p", "type": "subscribe", "payload": subscribe}))
        first = await received(socket)
        assert first["id"] == "p" and first["type"] == "next"
        progress = first["payload"]["data"]["rescoringProgress"]
        assert progress["scorecards"] >= 1 and progress["waiting"] == 0
        # the per-client bound (16): identical ones share one stream, and still count
        for n in range(15):
            await socket.send(json.dumps({"id": f"q{n}", "type": "subscribe",
                                          "payload": subscribe}))  # fmt: skip
        await socket.send(json.dumps({"id": "over", "type": "subscribe", "payload": subscribe}))
        refusal = None
        while refusal is None:
            message = await received(socket)
            if message["id"] == "over":
                refusal = message
        assert refusal["type"] == "error"
        [error] = refusal["payload"]
        assert error["extensions"] == {"code": "SUBSCRIPTION_LIMIT",
                                       "limit": "subscriptionsPerClient"}  # fmt: skip
        # a query runs over the same connection, once
        await socket.send(json.dumps({"id": "one", "type": "subscribe",
                                      "payload": {"query": "{ ruleSets { id } }"}}))  # fmt: skip
        answers = []
        while len(answers) < 2:
            message = await received(socket)
            if message["id"] == "one":
                answers.append(message["type"])
        assert answers == ["next", "complete"]


async def test_a_campaigns_progress_follows_its_responses_with_the_cycle_joined(
    world: World,
) -> None:
    admin = token(auth.Role.ADMIN)
    async with transport_ws(world, admin) as socket:
        subscribe = {"query": CAMPAIGN, "variables": {"id": world.citizen_campaign}}
        await socket.send(json.dumps({"id": "c", "type": "subscribe", "payload": subscribe}))
        first = (await received(socket))["payload"]["data"]["campaignProgress"]
        assert first["cycle"]["year"] >= 2024  # joined from the catalog
        answered = {q["subDimension"]: q["answered"] for q in first["quotas"]}
        citizen = await world.respondent()
        response = {"campaignId": world.citizen_campaign, "idempotencyKey": "live-response-1",
                    "answers": world.citizen_answers()}  # fmt: skip
        await world.admin.as_(citizen)(RESPOND, {"i": response})
        while True:
            event = (await received(socket))["payload"]["data"]["campaignProgress"]
            now = {q["subDimension"]: q["answered"] for q in event["quotas"]}
            if now != answered:
                break
    assert now[world.sub_dimension] == answered[world.sub_dimension] + 1


async def test_an_expired_token_and_the_gateways_stop_end_subscriptions_cleanly(
    world: World,
) -> None:
    brief = auth.mint(SECRET, auth.Role.MINISTRY, ttl_seconds=2)
    async with event_stream(world, PROGRESS, {"c": world.cycle_id}, brief) as (_, events):
        async with asyncio.timeout(15):
            found = [event async for event in events]
    assert "rescoringProgress" in found[0]["data"]
    assert found[-1]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    ministry = token(auth.Role.MINISTRY)
    async with event_stream(world, PROGRESS, {"c": world.cycle_id}, ministry) as (_, events):
        await anext(events)
        for hook in world.gateway.app.state.before_shutdown:  # as `smartcity serve` stops
            await hook()
        async with asyncio.timeout(10):
            rest = [event async for event in events]  # then `complete`: the stream ends
    assert rest == []


async def test_a_service_that_stops_ends_its_streams_and_the_gateway_says_to_subscribe_again(
    world: World,
) -> None:
    ministry = token(auth.Role.MINISTRY)
    async with event_stream(world, PROGRESS, {"c": world.cycle_id}, ministry) as (_, events):
        await anext(events)
        for hook in world.apps["scoring"].state.before_shutdown:  # as `smartcity serve` stops
            await hook()
        async with asyncio.timeout(10):
            rest = [event async for event in events]
    [error] = rest[0]["errors"]
    assert error["extensions"] == {"code": "SUBGRAPH_UNAVAILABLE", "service": "scoring"}
