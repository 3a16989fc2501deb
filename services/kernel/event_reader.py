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
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

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


class EventReader:
    def __init__(self, *classes: type[Event]) -> None:
        self._by_type = {c.event_type(): c for c in classes}

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
        event = _built(event_class, data, f"{event_class.event_type()}:")
        return Received(event, str(cloud_event["id"]), _instant(cloud_event))


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


def _has_default(declared: dataclasses.Field[Any]) -> bool:
    return (
        declared.default is not dataclasses.MISSING
        or declared.default_factory is not dataclasses.MISSING
    )


def _checked(annotation: Any, value: Any, path: str) -> Any:
    """`value` as `annotation` declares it (lists become tuples), or MalformedEvent."""
    if annotation is Any:
        return value
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (types.UnionType, typing.Union):
        if value is None and type(None) in args:
            return None
        options = [a for a in args if a is not type(None)]
        for option in options:
            try:
                return _checked(option, value, path)
            except MalformedEvent:
                continue
        raise MalformedEvent(f"{path}: {value!r} is none of {options}")
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise MalformedEvent(f"{path}: expected a list, got {type(value).__name__}")
        return tuple(_checked(args[0], item, f"{path}[{i}]") for i, item in enumerate(value))
    if origin is dict or annotation is dict:
        if not isinstance(value, dict):
            raise MalformedEvent(f"{path}: expected an object, got {type(value).__name__}")
        return value
    if dataclasses.is_dataclass(annotation) and isinstance(annotation, type):
        return _built(annotation, value, path)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        try:
            return annotation(value)
        except ValueError:
            raise MalformedEvent(f"{path}: {value!r} is not one of {annotation.__name__}") from None
    return _scalar(annotation, value, path)


def _built(declared: type, value: Any, path: str) -> Any:
    """A nested object as the dataclass that declares it; fields it does not know are
    ignored, as at the top."""
    if not isinstance(value, dict):
        raise MalformedEvent(f"{path} expected an object, got {type(value).__name__}")
    hints = _hints(declared)
    values = {}
    for declared_field in dataclasses.fields(declared):
        name = declared_field.name
        inner = f"{path} {name}" if path.endswith(":") else f"{path}.{name}"
        if name not in value:
            if _has_default(declared_field):
                continue
            raise MalformedEvent(f"{inner} is missing")
        values[name] = _checked(hints[name], value[name], inner)
    return declared(**values)


@functools.cache
def _hints(declared: type) -> dict[str, Any]:
    return typing.get_type_hints(declared)


def _scalar(annotation: Any, value: Any, path: str) -> Any:
    if annotation is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if annotation in (str, int, bool) and type(value) is annotation:
        return value
    raise MalformedEvent(f"{path}: expected {annotation.__name__}, got {type(value).__name__}")
