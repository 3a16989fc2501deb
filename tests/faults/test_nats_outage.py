"""NATS stopped and started again while citizens' responses are being synced: every
accepted response is counted once in the scorecard, and the stream holds each once."""

from __future__ import annotations

import asyncio

import pytest

from services.contracts.events.survey import ResponsesAccepted
from services.embedded.natsserver import NatsServer
from services.kernel.auth import Role
from tests.security import world as w
from tests.security.world import World
from tests.streams import stream_messages
from tests.support import token

SUBMIT = """mutation($items: [SubmitResponseInput!]!) { submitResponses(inputs: $items) {
  index error { code } } }"""
COUNTED = """query($r: String!, $c: String!) { scorecard(regionCode: $r, cycleId: $c) {
  counted { citizenResponses } } }"""
BATCHES = 6
PER_BATCH = 10


@pytest.fixture
async def world(tmp_path):
    async with w.running_world(tmp_path) as world:
        yield world


async def _sync_batch(world: World, batch: int) -> None:
    tokens = await world.respondents(PER_BATCH)
    items = [
        {"campaignId": world.citizen_campaign, "idempotencyKey": f"outage-{batch}-{n:03d}",
         "respondentToken": respondent, "answers": world.citizen_answers()}
        for n, respondent in enumerate(tokens)
    ]  # fmt: skip
    field_app = world.admin.as_(token(Role.REGION_OPERATOR, region=w.REGION))
    outcomes = (await field_app(SUBMIT, {"items": items}))["submitResponses"]
    assert [o["error"] for o in outcomes] == [None] * PER_BATCH  # every one accepted


async def _counted(world: World) -> int:
    found = await world.admin(COUNTED, {"r": w.REGION, "c": world.cycle_id})
    return int(found["scorecard"]["counted"]["citizenResponses"])


@pytest.mark.integration
@pytest.mark.timeout(120)
async def test_a_nats_outage_loses_and_doubles_nothing(world):
    await _sync_batch(world, 0)
    await _sync_batch(world, 1)
    world.nats.stop()  # the outage: the survey keeps accepting into its outbox
    await _sync_batch(world, 2)
    await _sync_batch(world, 3)
    world.nats = NatsServer(world.nats.store_dir, port=world.nats.port).start()
    await _sync_batch(world, 4)
    await _sync_batch(world, 5)

    expected = BATCHES * PER_BATCH
    for _ in range(600):
        if await _counted(world) >= expected:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.0)  # anything sent twice would have been counted by now
    assert await _counted(world) == expected
    stream = await stream_messages(world.nats.url)
    citizens = [
        item["response_id"]
        for e, _ in stream
        if e["type"] == ResponsesAccepted.event_type()
        and e["data"]["campaign_id"] == world.citizen_campaign
        for item in e["data"]["items"]
    ]
    assert len(citizens) == len(set(citizens)) == expected  # each response published once
