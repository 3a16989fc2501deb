"""Domain events and their CloudEvents 1.0 envelope: the one place events are serialised."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import uuid
from typing import Any, ClassVar

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


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        return [_plain(v) for v in value]
    return value


def payload(event: Event) -> dict[str, Any]:
    return {f.name: _plain(getattr(event, f.name)) for f in dataclasses.fields(event)}


def envelope(event: Event, source: str, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Wrap an event as a structured CloudEvent with a fresh id (the NATS dedup id too)."""
    moment = now or dt.datetime.now(dt.UTC)
    return {
        "specversion": SPEC_VERSION,
        "id": uuid.uuid4().hex,
        "source": source,
        "type": event.event_type(),
        "subject": event.key(),
        "time": moment.isoformat().replace("+00:00", "Z"),
        "datacontenttype": "application/json",
        "data": payload(event),
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
