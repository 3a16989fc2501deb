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
        "time": "2024-05-01T08:30:00.000000Z",  # microseconds always written
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


def test_an_event_takes_its_fields_from_a_source_by_name_as_it_declares_them() -> None:
    import datetime as dt
    from dataclasses import dataclass
    from enum import StrEnum
    from typing import ClassVar

    from services.kernel.events import Event

    class Stage(StrEnum):
        PLANNING = "planning"

    @dataclass(frozen=True)
    class Reported(Event):
        subject: ClassVar[str] = "smartcity.test.reported"
        key_field: ClassVar[str] = "id"
        id: str
        stage: str
        on: str
        links: tuple[str, ...]
        note: str = "none"

    @dataclass
    class Report:
        id: str
        stage: Stage
        on: dt.date
        links: list[str]

    report = Report("r1", Stage.PLANNING, dt.date(2024, 10, 31), ["https://a.example"])
    assert Reported.of(report, id="r2") == Reported(
        id="r2", stage="planning", on="2024-10-31", links=("https://a.example",), note="none"
    )
