"""The catalog publishing through its outbox to a real nats-server, including an outage."""

import dataclasses

import pytest

from services.catalog.app import create_app
from services.contracts.events.catalog import RegionRegistered, RegionUpdated
from services.kernel.auth import Role
from tests.catalog.test_api import CREATE_REGION, region
from tests.streams import stream_messages, wait_for_messages
from tests.support import graphql, running, token

pytestmark = pytest.mark.integration

ADMIN = token(Role.ADMIN)


async def test_each_change_reaches_the_stream_as_a_cloudevent(settings, nats_server):
    app = create_app(dataclasses.replace(settings, nats_url=nats_server.url))
    async with running(app) as client:
        await graphql(client, CREATE_REGION, {"i": region("12.07")}, bearer=ADMIN)
        await graphql(
            client,
            'mutation { updateRegion(code: "12.07", input: {vision: "Maju"}) { code } }',
            bearer=ADMIN,
        )
        await wait_for_messages(nats_server.url, 2)
    (registered, registered_headers), (updated, _) = await stream_messages(nats_server.url)
    assert registered_headers["Nats-Msg-Id"] == registered["id"]
    assert {
        k: registered[k] for k in ("specversion", "source", "type", "subject", "datacontenttype")
    } == {
        "specversion": "1.0",
        "source": "/smartcity/catalog",
        "type": RegionRegistered.event_type(),
        "subject": "12.07",
        "datacontenttype": "application/json",
    }
    assert (updated["type"], updated["data"]["vision"], updated["data"]["changed"]) == (
        RegionUpdated.event_type(), "Maju", ["vision"],
    )  # fmt: skip


async def test_mutations_succeed_while_nats_is_down_and_their_events_follow_once_it_is_back(
    settings, nats_server
):
    nats_server.stop()
    app = create_app(dataclasses.replace(settings, nats_url=nats_server.url))
    async with running(app) as client:
        for code in ("12.07", "63.03", "16.06"):
            created = await graphql(client, CREATE_REGION, {"i": region(code)}, bearer=ADMIN)
            assert created == {"data": {"createRegion": {"code": code}}}
        nats_server.start()
        await wait_for_messages(nats_server.url, 3)
    published = [e["subject"] for e, _ in await stream_messages(nats_server.url)]
    assert sorted(published) == ["12.07", "16.06", "63.03"]
