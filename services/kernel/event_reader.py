"""Turns a CloudEvent from the stream into the checked event object its producer declared.

A consumer names the event classes it reads; the reader finds the class by the envelope's
`type` (subject and version), checks every declared field against its annotation, and builds
the frozen dataclass. A consumer then dispatches on the class, never on a subject string or a
field's text, so a change to a published event breaks its consumers where they are type
checked, not at run time. Fields the reader does not know are ignored, so a producer may add
one without breaking older consumers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from opentelemetry.context import Context

from services.kernel import tracing
from services.kernel.events import Event

E = TypeVar("E", bound=Event)


class MalformedEvent(ValueError):
    """An event of a type the reader knows, whose data does not match its declaration."""


@dataclass(frozen=True)
class Received(Generic[E]):
    """An event as read from the stream, with what its envelope says of it."""

    event: E
    event_id: str
    at: dt.datetime  # the instant the producer stamped, with its time zone
    trace: Context | None = None  # of the span that recorded it, when spans are recorded


class EventReader:
    def __init__(self, *classes: type[Event]) -> None:
        self._by_type = {c.event_type(): c for c in classes}
        self._checks: dict[type[Event], Check] = {c: _dataclass_checker(c) for c in classes}

    @property
    def subjects(self) -> list[str]:
        """The NATS subjects to consume, one per event class read."""
        return sorted({c.subject for c in self._by_type.values()})

    def read(self, cloud_event: dict[str, Any]) -> Received[Event] | None:
        """The checked event, or None for a type this reader does not read."""
        event_class = self._by_type.get(cloud_event.get("type", ""))
        if event_class is None:
            return None
        data = cloud_event.get("data")
        if not isinstance(data, dict):
            raise MalformedEvent(f"{event_class.event_type()}: data is not an object")
        try:
            event = self._checks[event_class](data)
        except _Mismatch as mismatch:
            raise mismatch.told(event_class.event_type()) from None
        received = str(cloud_event["id"]), _instant(cloud_event), tracing.from_carrier(cloud_event)
        return Received(event, *received)


def _instant(cloud_event: dict[str, Any]) -> dt.datetime:
    """The envelope's time (RFC 3339), which must say its offset: an instant, not a wall clock."""
    text = cloud_event.get("time")
    try:
        at = dt.datetime.fromisoformat(str(text))
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise MalformedEvent(f"{cloud_event.get('type')}: time {text!r} is not an instant")
    return at


Check = Callable[[Any], Any]  # a value as its annotation declares it, or _Mismatch


class _Mismatch(Exception):
    """A value unlike its declaration; the containers it rises through add where it lies."""

    def __init__(self, problem: str, joiner: str = ": ") -> None:
        super().__init__(problem)
        self.problem, self.joiner = problem, joiner
        self.steps: list[str] = []  # the innermost first: field names and [index]

    def under(self, step: str) -> _Mismatch:
        self.steps.append(step)
        return self

    def told(self, event_type: str) -> MalformedEvent:
        path = ""
        for step in reversed(self.steps):
            path += step if step.startswith("[") or not path else f".{step}"
        return MalformedEvent(f"{event_type}: {path}{self.joiner}{self.problem}")


@functools.cache
def _checker(annotation: Any) -> Check:
    """The check of a value against `annotation`, worked out once per annotation: reading
    the annotation for every value was most of a consumer's time on a year's stream."""
    if annotation is Any:
        return _as_is
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (types.UnionType, typing.Union):
        return _union_checker(args)
    if origin is tuple:
        return _tuple_checker(_checker(args[0]))
    if origin is dict or annotation is dict:
        return _object_checker
    if dataclasses.is_dataclass(annotation) and isinstance(annotation, type):
        return _dataclass_checker(annotation)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return _enum_checker(annotation)
    return _scalar_checker(annotation)


def _as_is(value: Any) -> Any:
    return value


def _union_checker(args: tuple[Any, ...]) -> Check:
    optional = type(None) in args
    options = [a for a in args if a is not type(None)]
    checks = [_checker(option) for option in options]

    def check(value: Any) -> Any:
        if value is None and optional:
            return None
        for option in checks:
            try:
                return option(value)
            except _Mismatch:
                continue
        raise _Mismatch(f"{value!r} is none of {options}")

    return check


def _tuple_checker(item: Check) -> Check:
    def check(value: Any) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple):
            raise _Mismatch(f"expected a list, got {type(value).__name__}")
        try:
            return tuple(map(item, value))
        except _Mismatch as mismatch:
            raise mismatch.under(f"[{_first_refused(item, value)}]") from None

    return check


def _first_refused(item: Check, values: list[Any] | tuple[Any, ...]) -> int:
    for index, value in enumerate(values):
        try:
            item(value)
        except _Mismatch:
            return index
    raise AssertionError("a refused item passed when checked again")


def _object_checker(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Mismatch(f"expected an object, got {type(value).__name__}")
    return value


def _dataclass_checker(declared: type) -> Check:
    """A nested object as the dataclass that declares it; fields it does not know are
    ignored, as at the top."""
    hints = typing.get_type_hints(declared)
    fields = [
        (f.name, _checker(hints[f.name]), _has_default(f)) for f in dataclasses.fields(declared)
    ]

    def check(value: Any) -> Any:
        if not isinstance(value, dict):
            raise _Mismatch(f"expected an object, got {type(value).__name__}")
        values = {}
        for name, check_field, optional in fields:
            if name in value:
                try:
                    values[name] = check_field(value[name])
                except _Mismatch as mismatch:
                    raise mismatch.under(name) from None
            elif not optional:
                raise _Mismatch("is missing", joiner=" ").under(name)
        return declared(**values)

    return check


def _has_default(declared: dataclasses.Field[Any]) -> bool:
    return (
        declared.default is not dataclasses.MISSING
        or declared.default_factory is not dataclasses.MISSING
    )


def _enum_checker(enumeration: type[enum.Enum]) -> Check:
    def check(value: Any) -> enum.Enum:
        try:
            return enumeration(value)
        except ValueError:
            raise _Mismatch(f"{value!r} is not one of {enumeration.__name__}") from None

    return check


def _scalar_checker(annotation: Any) -> Check:
    if annotation is float:

        def check_float(value: Any) -> float:
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value)
            raise _Mismatch(f"expected float, got {type(value).__name__}")

        return check_float

    def check(value: Any) -> Any:
        if type(value) is annotation and annotation in (str, int, bool):
            return value
        raise _Mismatch(f"expected {annotation.__name__}, got {type(value).__name__}")

    return check
