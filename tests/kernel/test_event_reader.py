"""Reading events from the stream into the checked objects their producers declared."""

from __future__ import annotations

import datetime as dt

import pytest

from services.contracts.events import catalog, survey
from services.kernel import events
from services.kernel.consumer import DurableConsumer
from services.kernel.event_reader import EventReader, MalformedEvent, Received
from services.kernel.events import Event
from services.kernel.messaging import NatsLink
from tests.published import (
    cycle_opened,
    published,
    region_registered,
    response_accepted,
    responses_accepted,
)

READER = EventReader(catalog.CycleOpened, catalog.CycleClosed, survey.ResponseAccepted)


def test_an_event_reads_back_as_the_dataclass_its_producer_published() -> None:
    cloud_event = cycle_opened("c-1", 2023, "regular", ("35.07", "12.07"))
    received = READER.read(cloud_event)
    assert received is not None
    assert received.event == catalog.CycleOpened(
        id="c-1", year=2023, stage="tahap_2", cohort="regular", opens_on="2023-01-01",
        closes_on="2023-12-31", region_codes=("35.07", "12.07"),
    )  # fmt: skip
    opened = dt.datetime(2023, 9, 1, tzinfo=dt.UTC)  # as tests.published stamps it
    assert (received.event_id, received.at) == (cloud_event["id"], opened)


def test_enumerations_are_read_as_their_members() -> None:
    cloud_event = response_accepted(
        survey.ResponseKind.CITIZEN, "35.07", "c-1", response_id="r-1", respondent="r-1",
        answers=({"question_code": "D.1", "score": 3},),
    )  # fmt: skip
    received = READER.read(cloud_event)
    assert received is not None and isinstance(received.event, survey.ResponseAccepted)
    assert received.event.kind is survey.ResponseKind.CITIZEN


def test_an_event_type_the_reader_does_not_read_is_none() -> None:
    assert READER.read(region_registered("35.07", "regular")) is None
    # one subject for each class read, none shared, and nothing else
    assert READER.subjects == sorted(
        [catalog.CycleOpened.subject, catalog.CycleClosed.subject, survey.ResponseAccepted.subject]
    )


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"year": "2023"}, "year: expected int"),
        ({"region_codes": "35.07"}, "region_codes: expected a list"),
        ({"region_codes": [35]}, "region_codes[0]: expected str"),
        ({"year": None}, "year: expected int"),
    ],
)
def test_data_that_does_not_match_the_declaration_is_refused_naming_the_field(change, named):
    cloud_event = cycle_opened("c-1", 2023, "regular", ("35.07",))
    cloud_event["data"] |= change
    with pytest.raises(MalformedEvent, match=named.replace("[", r"\[").replace("]", r"\]")):
        READER.read(cloud_event)


def test_a_missing_field_is_refused_and_an_unknown_one_ignored() -> None:
    cloud_event = cycle_opened("c-1", 2023, "regular", ("35.07",))
    cloud_event["data"]["added_later"] = True
    assert READER.read(cloud_event) is not None
    del cloud_event["data"]["cohort"]
    with pytest.raises(MalformedEvent, match="cohort is missing"):
        READER.read(cloud_event)


def test_an_unknown_enumeration_value_is_refused() -> None:
    cloud_event = response_accepted(
        survey.ResponseKind.CITIZEN, "35.07", "c-1", response_id="r-1", respondent="r-1",
        answers=(),
    )  # fmt: skip
    cloud_event["data"]["kind"] = "oracle"
    with pytest.raises(MalformedEvent, match="'oracle' is not one of ResponseKind"):
        READER.read(cloud_event)


def _scores_batch() -> dict:
    items = [
        survey.AcceptedItem(f"s-{n}", "assessor-1", None, (survey.GivenAnswer(code, score=3),))
        for n, code in enumerate(("A.1", "A.2"))
    ]
    return responses_accepted(survey.ResponseKind.ASSESSOR_SCORE, "35.07", "c-1", items)


def test_a_batch_reads_back_with_its_items_and_their_answers() -> None:
    received = EventReader(survey.ResponsesAccepted).read(_scores_batch())
    assert received is not None and isinstance(received.event, survey.ResponsesAccepted)
    first, second = received.event.items
    assert (first.answers, second.answers[0].question_code) == (
        (survey.GivenAnswer("A.1", score=3),),
        "A.2",
    )
    assert (first.revision, first.sub_dimension) == (1, None)  # a default, and a None given


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (
            lambda items: items[1]["answers"][0].update(score="3"),
            "items[1].answers[0].score: '3' is none of",
        ),
        (lambda items: items[1]["answers"].append(7), "items[1].answers[1]: expected an object"),
        (lambda items: items[0].pop("respondent"), "items[0].respondent is missing"),
        (lambda items: items[0].update(revision=True), "items[0].revision: expected int, got bool"),
    ],
)
def test_a_mismatch_inside_a_batch_is_named_by_its_path(change, named) -> None:
    cloud_event = _scores_batch()
    change(cloud_event["data"]["items"])
    with pytest.raises(MalformedEvent) as refused:
        EventReader(survey.ResponsesAccepted).read(cloud_event)
    assert str(refused.value).startswith(f"{survey.ResponsesAccepted.event_type()}: ")
    assert named in str(refused.value)


class Cycles:
    reader = EventReader(catalog.CycleOpened)

    def __init__(self) -> None:
        self.applied: list[Event] = []

    async def apply(self, received: Received[Event]) -> None:
        self.applied.append(received.event)


async def test_a_consumer_passes_over_a_malformed_event_and_counts_it() -> None:
    cycles = Cycles()
    never_connected = NatsLink("nats://127.0.0.1:9", "reader-test")
    consumer = DurableConsumer(never_connected, "cycles", cycles, None)
    malformed = cycle_opened("c-1", 2023, "regular", ("35.07",))
    malformed["data"]["year"] = "twenty"
    good = cycle_opened("c-2", 2024, "regular", ("35.07",))
    other = published(catalog.QuickWinProposed(id="q", region_code="35.07", program_id="p",
                                               year=2024, rationale=""))  # fmt: skip
    assert [await consumer.handle(events.encode(e)) for e in (malformed, good, other)] == [
        False, True, False,
    ]  # fmt: skip
    assert consumer.malformed_total == 1
    assert [c.id for c in cycles.applied if isinstance(c, catalog.CycleOpened)] == ["c-2"]
