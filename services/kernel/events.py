"""Domain events and their CloudEvents 1.0 envelope: the one place events are serialised."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import json
import typing
import uuid
from typing import Any, ClassVar, Self

from services.kernel import tracing
from services.kernel.annotations import sequence_item, without_none

SPEC_VERSION = "1.0"


@dataclasses.dataclass(frozen=True)
class Event:
    """Base of every event: `subject` is the NATS subject, `key_field` names the entity key."""

    subject: ClassVar[str]
    version: ClassVar[int] = 1
    key_field: ClassVar[str]

    @classmethod
    def event_type(cls) -> str:
        return f"{cls.subject}.v{cls.version}"

    def key(self) -> str:
        return str(getattr(self, self.key_field))

    @classmethod
    def of(cls, source: Any, **given: Any) -> Self:
        """The event whose every field not `given` is `source`'s attribute of the same name,
        as the field declares it: text for an enumeration or a date, a tuple for a list. A
        field with a default that `source` lacks keeps its default."""
        declared: Any = cls
        hints = _hints(declared)
        values = {
            f.name: _published(hints[f.name], getattr(source, f.name))
            for f in dataclasses.fields(cls)
            if f.name not in given and (hasattr(source, f.name) or f.default is dataclasses.MISSING)
        }
        return cls(**values, **given)


@functools.cache
def _hints(event_class: Any) -> dict[str, Any]:
    return typing.get_type_hints(event_class)


def _published(hint: Any, value: Any) -> Any:
    inner, _ = without_none(hint)
    item = sequence_item(inner)
    if value is None or inner is Any:
        return value
    if item is not None:
        return tuple(_published(item, v) for v in value)
    if inner is str and isinstance(value, enum.Enum):
        return value.value
    if inner is str and isinstance(value, dt.date):
        return value.isoformat()
    return value


def plain(value: Any) -> Any:
    """A published value as JSON data: dataclasses and mappings as objects, enumerations
    and dates as text, sequences as lists."""
    if value is None or type(value) in _LEAVES:
        return value
    kind: Any = type(value)
    names = _dataclass_fields(kind)
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        return [plain(v) for v in value]
    return value


_LEAVES = frozenset({str, int, float, bool})


@functools.cache
def _dataclass_fields(kind: Any) -> tuple[str, ...] | None:
    """The field names of a dataclass's instances, worked out once per class; None for
    other types (a dataclass itself, as a value, is a type, not an instance)."""
    if not dataclasses.is_dataclass(kind) or kind is type:
        return None
    return tuple(f.name for f in dataclasses.fields(kind))


def payload(event: Event) -> dict[str, Any]:
    published: dict[str, Any] = plain(event)
    return published


def envelope(event: Event, source: str, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Wrap an event as a structured CloudEvent with a fresh id (the NATS dedup id too)."""
    moment = now or dt.datetime.now(dt.UTC)
    return {
        "specversion": SPEC_VERSION,
        "id": uuid.uuid4().hex,
        "source": source,
        "type": event.event_type(),
        "subject": event.key(),
        "time": moment.isoformat(timespec="microseconds").replace("+00:00", "Z"),
        "datacontenttype": "application/json",
        "data": payload(event),
        **tracing.carried(),  # the span that recorded it, when spans are recorded
    }


def nats_subject(cloud_event: dict[str, Any]) -> str:
    """The NATS subject of an envelope: its type without the version suffix."""
    event_type: str = cloud_event["type"]
    base, _, version = event_type.rpartition(".v")
    return base if version.isascii() and version.isdigit() else event_type


def encode(cloud_event: dict[str, Any]) -> bytes:
    return json.dumps(cloud_event, separators=(",", ":"), sort_keys=True).encode()


def decode(raw: bytes) -> dict[str, Any]:
    cloud_event = json.loads(raw)
    missing = {"specversion", "id", "source", "type", "data"} - set(cloud_event)
    if missing:
        raise ValueError(f"not a CloudEvent, missing {sorted(missing)}")
    return dict(cloud_event)
