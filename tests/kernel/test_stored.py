"""An aggregate's document derived from its dataclass, and the mapping both ways."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

import mongoengine as me

from services.catalog import domain
from services.kernel.aggregate import Aggregate
from services.kernel.docstore import StoredAggregate
from services.kernel.stored import StoredForm


class _Base(StoredAggregate):
    meta = {"abstract": True, "db_alias": "stored-test"}


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


@dataclass(frozen=True, kw_only=True)
class Stop:
    colour: Colour
    on: dt.date
    notes: tuple[str, ...] = ()


@dataclass(kw_only=True)
class Route(Aggregate):
    id: str
    length_km: float | None = None
    lanes: int
    colours: tuple[Colour, ...] = ()
    opened: dt.date
    checked_at: dt.datetime
    stops: list[Stop] = field(default_factory=list)
    extra: dict[str, int] = field(default_factory=dict)


def round_trip(form: StoredForm, aggregate: Aggregate) -> Aggregate:
    son = form.to_document(aggregate).to_mongo().to_dict()
    return form.to_domain(son)


def test_every_kind_of_field_is_stored_and_read_back_as_declared() -> None:
    form = StoredForm(Route, _Base, collection="routes")
    route = Route(
        id="r1", lanes=2, colours=(Colour.RED, Colour.BLUE), opened=dt.date(2024, 5, 1),
        checked_at=dt.datetime(2024, 5, 2, 8, 30, tzinfo=dt.UTC),
        stops=[Stop(colour=Colour.BLUE, on=dt.date(2024, 6, 1), notes=("a", "b"))],
        extra={"x": 1},
    )  # fmt: skip
    assert round_trip(form, route) == route
    assert isinstance(form.document._fields["lanes"], me.IntField)
    assert form.document._fields["lanes"].required
    assert form.document._fields["length_km"].null
    assert form.document._fields["id"].primary_key


def test_a_field_added_to_an_aggregate_is_stored_with_no_other_edit() -> None:
    with_motto = dataclasses.make_dataclass(
        "RegionWithMotto", [("motto", str, field(default=""))], bases=(domain.Region,), kw_only=True
    )
    form = StoredForm(with_motto, _Base, collection="regions_with_motto", key="code")
    region = with_motto(code="12.07", name="Deli Serdang", kind=domain.RegionKind.KABUPATEN,
                        province="Sumatera Utara", cohort="c", motto="Bhinneka")  # fmt: skip
    assert "motto" in form.document._fields
    assert round_trip(form, region) == region


def test_a_document_written_before_a_field_was_removed_still_loads() -> None:
    form = StoredForm(Route, _Base, collection="routes_old")
    route = Route(id="r1", lanes=1, opened=dt.date(2024, 5, 1),
                  checked_at=dt.datetime(2024, 5, 2, tzinfo=dt.UTC))  # fmt: skip
    son = form.to_document(route).to_mongo().to_dict() | {"toll": 2.5}
    assert form.to_domain(son) == route


def test_a_document_written_before_a_field_was_added_reads_it_as_its_default() -> None:
    form = StoredForm(Route, _Base, collection="routes_older")
    route = Route(id="r1", lanes=1, opened=dt.date(2024, 5, 1), length_km=3.0,
                  checked_at=dt.datetime(2024, 5, 2, tzinfo=dt.UTC))  # fmt: skip
    son = form.to_document(route).to_mongo().to_dict()
    for added_later in ("length_km", "stops", "extra", "colours"):
        del son[added_later]
    assert form.to_domain(son) == dataclasses.replace(route, length_km=None)
