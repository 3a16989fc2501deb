"""The outbox relay and the durable consumer against a real nats-server."""

import asyncio
import json
from dataclasses import dataclass
from typing import Any, ClassVar

import mongomock
import pytest

from services.kernel import events
from services.kernel.consumer import DurableConsumer, ProcessedEvents
from services.kernel.dead_letters import Replayed
from services.kernel.event_reader import EventReader, Received
from services.kernel.events import Event
from services.kernel.messaging import NatsLink
from services.kernel.mongo import Storage
from services.kernel.outbox import OutboxRelay, Written
from services.kernel.publisher import JetStreamPublisher, Undeliverable
from tests.streams import stream_messages, wait_for_messages

pytestmark = pytest.mark.integration


class Crash(Exception):
    pass


@dataclass(frozen=True)
class ThingHappened(Event):
    subject: ClassVar[str] = "smartcity.test.thing.happened"
    key_field: ClassVar[str] = "number"
    number: int


class Recording:
    """A projector that records the ids it applied, failing the first `failures` times."""

    reader = EventReader(ThingHappened)

    def __init__(self, failures: int = 0) -> None:
        self.attempts: list[str] = []
        self.applied: list[str] = []
        self.failures = failures

    async def apply(self, received: Received[Event]) -> None:
        self.attempts.append(received.event_id)
        if len(self.attempts) <= self.failures:
            raise RuntimeError("projection store briefly unavailable")
        self.applied.append(received.event_id)


def a_cloud_event(number: int) -> dict[str, Any]:
    return {
        "specversion": "1.0", "id": f"event-{number}", "source": "/test",
        "type": "smartcity.test.thing.happened.v1", "subject": str(number),
        "time": "2024-01-01T00:00:00Z",
        "datacontenttype": "application/json", "data": {"number": number},
    }  # fmt: skip


@pytest.fixture
def storage():
    db = mongomock.MongoClient()["outbox_test"]
    store = Storage(db, in_memory=True)
    yield store
    store.close()


@pytest.fixture
async def link(nats_server):
    connection = NatsLink(nats_server.url, "test", retry_seconds=0.1)
    connection.start()
    await asyncio.wait_for(connection.jetstream(), 10)
    yield connection
    await connection.close()


async def test_the_relay_publishes_each_pending_event_with_its_id_as_nats_msg_id(
    storage, link, nats_server
):
    things = storage.db["things"]
    things.insert_one({"_id": "a", "outbox": [a_cloud_event(1), a_cloud_event(2)]})
    relay = OutboxRelay([things], JetStreamPublisher(link), storage)
    assert await relay.sweep() == 2
    messages = await stream_messages(nats_server.url)
    assert [(e["id"], h["Nats-Msg-Id"]) for e, h in messages] == [
        ("event-1", "event-1"),
        ("event-2", "event-2"),
    ]
    assert things.find_one({"_id": "a"})["outbox"] == []


async def test_a_relay_crash_after_publishing_and_before_marking_adds_no_duplicate(
    storage, link, nats_server
):
    things = storage.db["things"]
    things.insert_one({"_id": "a", "outbox": [a_cloud_event(1)]})
    publish = JetStreamPublisher(link)

    async def publish_then_crash(cloud_event):
        await publish(cloud_event)
        raise Crash

    with pytest.raises(Crash):
        await OutboxRelay([things], publish_then_crash, storage).sweep()
    assert len(things.find_one({"_id": "a"})["outbox"]) == 1

    await OutboxRelay([things], publish, storage).sweep()
    messages = await stream_messages(nats_server.url)
    assert [e["id"] for e, _ in messages] == ["event-1"]


async def test_events_wait_in_the_outbox_while_nats_is_down_and_go_out_once_it_is_back(
    storage, nats_server
):
    nats_server.stop()
    things = storage.db["things"]
    link = NatsLink(nats_server.url, "test", retry_seconds=0.1)
    link.start()
    relay = OutboxRelay([things], JetStreamPublisher(link), storage, sweep_seconds=0.1)
    relay.start()
    try:
        things.insert_one({"_id": "a", "outbox": [a_cloud_event(1), a_cloud_event(2)]})
        await asyncio.sleep(0.5)
        assert await relay.pending() == 2
        nats_server.start()
        await wait_for_messages(nats_server.url, 2)
        await asyncio.sleep(0.3)  # a duplicate, were there one, would be in the stream by now
        assert [e["id"] for e, _ in await stream_messages(nats_server.url)] == [
            "event-1",
            "event-2",
        ]
        assert await relay.pending() == 0
    finally:
        await relay.stop()
        await link.close()


async def consume_until(consumer: DurableConsumer, condition, timeout: float = 10.0) -> None:
    consumer.start()
    try:
        async with asyncio.timeout(timeout):
            while not condition():  # noqa: ASYNC110 - the consumer exposes counters, not events
                await asyncio.sleep(0.05)
    finally:
        await consumer.stop()


async def test_a_durable_consumer_applies_each_event_id_once(storage, link):
    publish = JetStreamPublisher(link)
    js = await link.jetstream()
    for number in (1, 2):
        await publish(a_cloud_event(number))
    # the same event republished outside the dedup window (a different message id)
    await js.publish("smartcity.test.thing.happened", events.encode(a_cloud_event(1)),
                     headers={"Nats-Msg-Id": "replayed-1"})  # fmt: skip
    recording = Recording()
    processed = ProcessedEvents(storage.db["processed"], storage)
    consumer = DurableConsumer(link, "test-consumer", recording, processed)
    await consume_until(consumer, lambda: consumer.applied_total + consumer.skipped_total == 3)
    assert recording.applied == ["event-1", "event-2"]
    assert consumer.skipped_total == 1


async def test_a_failing_projector_gets_the_event_again_and_applies_it_once(storage, link):
    await JetStreamPublisher(link)(a_cloud_event(7))
    flaky = Recording(failures=1)
    processed = ProcessedEvents(storage.db["processed"], storage)
    consumer = DurableConsumer(link, "flaky", flaky, processed)
    await consume_until(consumer, lambda: consumer.applied_total == 1)
    assert flaky.attempts == ["event-7", "event-7"]
    assert await processed.seen_among(["event-7", "event-8"]) == {"event-7"}


async def test_a_restarted_consumer_resumes_where_it_stopped(storage, link):
    publish = JetStreamPublisher(link)
    recording = Recording()
    processed = ProcessedEvents(storage.db["processed"], storage)
    await publish(a_cloud_event(1))
    first = DurableConsumer(link, "resuming", recording, processed)
    await consume_until(first, lambda: len(recording.applied) == 1)
    await publish(a_cloud_event(2))
    second = DurableConsumer(link, "resuming", recording, processed)
    await consume_until(second, lambda: len(recording.applied) == 2)
    await asyncio.sleep(0.3)
    assert recording.applied == ["event-1", "event-2"]


async def test_a_write_noted_while_the_start_sweep_runs_goes_out_without_a_later_sweep(storage):
    first, second = storage.db["first"], storage.db["second"]
    second.insert_one({"_id": "s", "outbox": [a_cloud_event(1)]})
    published: list[str] = []
    relay: OutboxRelay

    async def publish(cloud_event):
        published.append(cloud_event["id"])
        if cloud_event["id"] == "event-1":  # the sweep has read `first` already
            late = {"_id": "f", "outbox": [a_cloud_event(2)]}
            first.insert_one(late)
            relay.notify(Written(first, "f", late["outbox"]))

    relay = OutboxRelay([first, second], publish, storage, sweep_seconds=None)
    relay.start()
    try:
        async with asyncio.timeout(5):
            while len(published) < 2:  # noqa: ASYNC110 - the relay exposes no completion event
                await asyncio.sleep(0.02)
    finally:
        await relay.stop()
    assert published == ["event-1", "event-2"]
    assert await relay.pending() == 0


async def test_an_event_too_large_for_nats_is_parked_and_the_events_behind_it_still_go_out(
    storage, link, nats_server
):
    huge = a_cloud_event(2) | {"data": {"flags": ["x" * 100] * 20_000}}  # 2 MB, NATS takes 1 MB
    things = storage.db["things"]
    things.insert_one({"_id": "a", "outbox": [a_cloud_event(1), huge, a_cloud_event(3)]})
    things.insert_one({"_id": "b", "outbox": [a_cloud_event(4)]})
    relay = OutboxRelay([things], JetStreamPublisher(link), storage)

    published = await relay.sweep()

    messages = await stream_messages(nats_server.url)
    assert published == 3
    subjects = {e["id"]: e["subject"] for e, _ in messages}
    assert (len(messages), subjects) == (3, {"event-1": "1", "event-3": "3", "event-4": "4"})
    # a document's events go out in the order it wrote them
    assert [e["id"] for e, _ in messages if e["subject"] != "4"] == ["event-1", "event-3"]
    assert things.find_one({"_id": "a"})["outbox"] == []
    [parked] = relay.dead_letters.latest()
    assert (parked.event_id, parked.subject, parked.size_bytes > 1_000_000) == (
        "event-2",
        "2",
        True,
    )
    assert "maximum payload exceeded" in parked.reason
    assert relay.parked_total == 1

    await relay.sweep()  # nothing is pending, nothing is parked twice
    assert relay.dead_letters.count() == 1


async def test_parked_events_are_sent_again_after_a_fix_and_those_refused_again_stay(storage):
    limit = {"bytes": 1_000}
    sent: list[str] = []

    async def publish(cloud_event):
        size = len(json.dumps(cloud_event))
        if size > limit["bytes"]:
            raise Undeliverable(f"{size} bytes, past the stream's {limit['bytes']}", size)
        sent.append(cloud_event["id"])

    big = a_cloud_event(2) | {"data": {"text": "x" * 5_000}}
    bigger = a_cloud_event(3) | {"data": {"text": "x" * 50_000}}
    things = storage.db["things"]
    things.insert_one({"_id": "a", "outbox": [a_cloud_event(1), big, bigger]})
    relay = OutboxRelay([things], publish, storage)
    await relay.sweep()
    waiting_before = relay.dead_letters_waiting

    limit["bytes"] = 10_000  # the fix: a larger stream limit
    replayed = await relay.replay(None)
    unknown = await relay.replay(["event-9"])

    assert waiting_before == 2
    assert replayed == Replayed(replayed=["event-2"], still_undeliverable=["event-3"])
    assert sent == ["event-1", "event-2"]
    [left] = relay.dead_letters.latest()
    assert (left.event_id, left.reason.endswith("past the stream's 10000")) == ("event-3", True)
    assert relay.dead_letters_waiting == 1
    assert unknown == Replayed(unknown=["event-9"])
