"""An aggregate's document derived from its dataclass, and the mapping both ways."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import random
import typing
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import mongoengine as me
import pytest

from services.catalog import domain
from services.catalog import storage as catalog_storage
from services.kernel.aggregate import Aggregate
from services.kernel.annotations import sequence_item, without_none
from services.kernel.docstore import StoredAggregate, document_son
from services.kernel.stored import StoredForm
from services.scoring import storage as scoring_storage
from services.survey import storage as survey_storage


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


FORMS = [
    form
    for module in (catalog_storage, survey_storage, scoring_storage)
    for form in vars(module).values()
    if isinstance(form, StoredForm)
]


class Values:
    """Values of any declared annotation, each a different draw: empty, None and odd ones
    (a date in a datetime field, an int in a float one) included."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def of(self, hint: Any) -> Any:
        inner, nullable = without_none(hint)
        if nullable and self.random.random() < 0.3:
            return None
        item = sequence_item(inner)
        if item is not None:
            items = [self.of(item) for _ in range(self.random.randrange(3))]
            return tuple(items) if typing.get_origin(inner) is tuple else items
        return self._one(inner)

    def _one(self, hint: Any) -> Any:
        if dataclasses.is_dataclass(hint):
            built: Any = hint
            hints = typing.get_type_hints(built)
            return built(**{f.name: self.of(hints[f.name]) for f in dataclasses.fields(built)
                            if f.init})  # fmt: skip
        if isinstance(hint, type) and issubclass(hint, enum.Enum):
            return self.random.choice(list(hint))
        if typing.get_origin(hint) is dict or hint is dict:
            arguments = typing.get_args(hint) or (str, Any)
            return {f"k{n}": self.of(arguments[1]) for n in range(self.random.randrange(3))}
        draws: dict[Any, Any] = {
            str: lambda: self.random.choice(["", "Deli Serdang", "12.07"]),
            int: lambda: self.random.randrange(-5, 100),
            float: lambda: self.random.choice([0.5, 3, -1.25]),
            bool: lambda: self.random.random() < 0.5,
            dt.datetime: lambda: self.random.choice(
                [dt.datetime(2024, 5, 2, 8, 30, tzinfo=dt.UTC), dt.date(2024, 5, 2)]
            ),
            dt.date: lambda: dt.date(2023, 1, self.random.randrange(1, 28)),
            Any: lambda: self.random.choice([1, "x", [1, ("a", {"b": (2,)})], {"c": None}]),
        }
        return draws[hint]()

    def aggregate(self, form: StoredForm) -> Aggregate:
        return form.aggregate(**{name: self.of(hint) for name, hint in form.fields.items()})


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.aggregate.__name__)
def test_an_aggregate_is_written_as_its_mongoengine_document_writes_it(form) -> None:
    values = Values(seed=7)
    for _ in range(40):
        aggregate = values.aggregate(form)
        assert form.to_son(aggregate) == document_son(form.to_document(aggregate))


def test_a_field_the_document_requires_may_not_be_written_empty() -> None:
    form = StoredForm(Route, _Base, collection="routes_required")
    route = Route(id="r1", lanes=None, opened=dt.date(2024, 5, 1),  # type: ignore[arg-type]
                  checked_at=dt.datetime(2024, 5, 2, tzinfo=dt.UTC))  # fmt: skip
    with pytest.raises(ValueError, match="lanes is required"):
        form.to_son(route)
    with pytest.raises(ValueError, match="none starting with"):
        form.to_son(dataclasses.replace(route, lanes=1, extra={"$ref": 1}))
