"""GraphQL output types filled from domain objects by field name."""

from __future__ import annotations

from dataclasses import dataclass

import strawberry

from services.kernel.output_types import translated


@dataclass(frozen=True)
class Leg:
    stop: str
    minutes: int


@dataclass(frozen=True)
class Trip:
    id: str
    legs: tuple[Leg, ...]
    tags: tuple[str, ...]
    note: str | None
    secret: str = "kept out"


@strawberry.type
class LegType:
    stop: str
    minutes: int


@strawberry.type
class TripType:
    id: strawberry.ID
    legs: list[LegType]
    tags: list[str]
    note: str | None
    length: int


def test_fields_are_taken_by_name_nested_types_translated_and_given_values_win() -> None:
    trip = Trip("t1", (Leg("a", 3), Leg("b", 4)), ("x",), None)
    shown = translated(TripType, trip, length=2)
    assert shown == TripType(
        id=strawberry.ID("t1"), legs=[LegType(stop="a", minutes=3), LegType(stop="b", minutes=4)],
        tags=["x"], note=None, length=2,
    )  # fmt: skip
    assert not hasattr(shown, "secret")
