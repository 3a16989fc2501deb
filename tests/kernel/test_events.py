import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

import pytest

from services.kernel import events


@dataclass(frozen=True)
class ThingHappened(events.Event):
    subject: ClassVar[str] = "smartcity.test.thing.happened"
    key_field: ClassVar[str] = "name"
    name: str
    on: dt.date
    tags: tuple[str, ...]


def test_an_event_is_wrapped_as_a_structured_cloudevent():
    moment = dt.datetime(2024, 5, 1, 8, 30, tzinfo=dt.UTC)
    cloud_event = events.envelope(
        ThingHappened("x", dt.date(2024, 5, 1), ("a",)), "/test", now=moment
    )
    assert {k: v for k, v in cloud_event.items() if k != "id"} == {
        "specversion": "1.0",
        "source": "/test",
        "type": "smartcity.test.thing.happened.v1",
        "subject": "x",
        "time": "2024-05-01T08:30:00Z",
        "datacontenttype": "application/json",
        "data": {"name": "x", "on": "2024-05-01", "tags": ["a"]},
    }
    assert events.nats_subject(cloud_event) == "smartcity.test.thing.happened"


def test_every_envelope_gets_its_own_id():
    thing = ThingHappened("x", dt.date(2024, 5, 1), ())
    assert events.envelope(thing, "/t")["id"] != events.envelope(thing, "/t")["id"]


def test_an_envelope_survives_encoding():
    cloud_event = events.envelope(ThingHappened("x", dt.date(2024, 5, 1), ()), "/t")
    assert events.decode(events.encode(cloud_event)) == cloud_event


def test_a_message_that_is_not_a_cloudevent_is_refused():
    with pytest.raises(ValueError, match="not a CloudEvent"):
        events.decode(b'{"hello": "world"}')
