"""Keeping the newest version of another service's fact: one conditional update whatever the
order of delivery, with event times compared as instants to the microsecond."""

from __future__ import annotations

import datetime as dt
import itertools

import mongomock
import pytest
from pymongo.errors import DuplicateKeyError

from services.contracts.events.catalog import RegionRegistered
from services.kernel.event_reader import EventReader, MalformedEvent
from services.kernel.events import envelope
from services.kernel.newest import instant, keep_newest

UTC = dt.UTC
SECOND = dt.datetime(2026, 12, 6, 7, 0, 0, tzinfo=UTC)
# one second's events as producers stamp them: whole, a microsecond on, half a second on
# (and the same instant written at Jakarta's offset)
ORDERED = [
    SECOND,
    SECOND + dt.timedelta(microseconds=1),
    (SECOND + dt.timedelta(milliseconds=500)).astimezone(dt.timezone(dt.timedelta(hours=7))),
]


def test_instants_sort_as_time_does_whatever_their_precision_or_offset() -> None:
    assert sorted(ORDERED, key=instant) == ORDERED
    assert instant(ORDERED[2]) == "2026-12-06T07:00:00.500000Z"
    with pytest.raises(ValueError, match="no time zone"):
        instant(dt.datetime(2026, 12, 6, 7))


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_the_newest_fields_are_kept_in_any_order_of_delivery(order: tuple[int, ...]) -> None:
    collection = mongomock.MongoClient().db.facts
    applied = [keep_newest(collection, "12.07", {"name": f"v{i}"}, ORDERED[i]) for i in order]

    assert collection.find_one({"_id": "12.07"})["name"] == "v2"
    # an event applies only when nothing later was there before it
    assert applied == [i == max(order[: n + 1]) for n, i in enumerate(order)]


def test_a_slot_keeps_its_own_newest_beside_the_others() -> None:
    collection = mongomock.MongoClient().db.facts
    keep_newest(collection, "12.07", {"percent": 70}, ORDERED[2], slot="programs.p1")
    keep_newest(collection, "12.07", {"percent": 10}, ORDERED[0], slot="programs.p2")
    assert not keep_newest(collection, "12.07", {"percent": 40}, ORDERED[1], "programs.p1")
    stored = collection.find_one({"_id": "12.07"})["programs"]
    assert (stored["p1"]["percent"], stored["p2"]["percent"]) == (70, 10)


def a_region() -> RegionRegistered:
    return RegionRegistered(code="12.07", name="Kabupaten Deli Serdang", kind="kabupaten",
                            province="Sumatera Utara", cohort="regular_2017_2019",
                            area_km2=None, vision="")  # fmt: skip


def test_an_envelope_keeps_its_microseconds_and_a_reader_reads_its_instant() -> None:
    event = a_region()
    reader = EventReader(type(event))
    for at in ORDERED:
        stamped = envelope(event, "/test", now=at)
        assert reader.read(stamped).at == at
    assert envelope(event, "/test", now=SECOND)["time"] == "2026-12-06T07:00:00.000000Z"


@pytest.mark.parametrize("time", ["yesterday", "2026-12-06T07:00:00", None])
def test_an_event_time_that_is_not_an_instant_is_malformed(time) -> None:
    event = a_region()
    stamped = envelope(event, "/test") | {"time": time}
    with pytest.raises(MalformedEvent, match="not an instant"):
        EventReader(type(event)).read(stamped)


class RacedInsert:
    """A collection where another replica inserts the document between this upsert's match
    and its insert, as MongoDB lets happen when the filter is more than `_id`: the upsert
    fails with a duplicate key although nothing newer is stored."""

    def __init__(self, collection, other_replica) -> None:
        self.collection, self.other_replica, self.raced = collection, other_replica, False

    def update_one(self, query, change, upsert=False):
        if upsert and not self.raced:
            self.raced = True
            self.other_replica(self.collection)
            raise DuplicateKeyError("E11000 duplicate key error")
        return self.collection.update_one(query, change, upsert=upsert)


def test_a_first_write_raced_by_another_replica_is_not_lost() -> None:
    programs = mongomock.MongoClient().db.facts
    raced = RacedInsert(
        programs, lambda c: keep_newest(c, "12.07", {"percent": 10}, ORDERED[0], "programs.p1")
    )
    assert keep_newest(raced, "12.07", {"percent": 70}, ORDERED[1], "programs.p2")
    stored = programs.find_one({"_id": "12.07"})["programs"]
    assert (stored["p1"]["percent"], stored["p2"]["percent"]) == (10, 70)

    regions = mongomock.MongoClient().db.facts
    older = RacedInsert(regions, lambda c: keep_newest(c, "12.07", {"name": "v0"}, ORDERED[0]))
    assert keep_newest(older, "12.07", {"name": "v2"}, ORDERED[2])
    assert regions.find_one({"_id": "12.07"})["name"] == "v2"

    newer = RacedInsert(regions, lambda c: keep_newest(c, "12.08", {"name": "v2"}, ORDERED[2]))
    assert not keep_newest(newer, "12.08", {"name": "v1"}, ORDERED[1])
    assert regions.find_one({"_id": "12.08"})["name"] == "v2"
