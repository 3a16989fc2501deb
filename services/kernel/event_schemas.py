"""JSON Schema of an event type, read from the dataclass that the services publish.

An event's CloudEvent is `envelope(event)`: its `data` holds every field of the dataclass,
so the schema lists every field as required and no other.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import types
import typing
from typing import Any

from services.kernel.events import SPEC_VERSION, Event

DRAFT = "https://json-schema.org/draft/2020-12/schema"
_SCALARS: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    dt.datetime: {"type": "string", "format": "date-time"},
    dt.date: {"type": "string", "format": "date"},
    Any: {},
}


def value_schema(annotation: Any) -> dict[str, Any]:
    """The JSON Schema of one annotated field, as `events._plain` serialises it."""
    if annotation in _SCALARS:
        return dict(_SCALARS[annotation])
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return {"type": "string", "enum": [member.value for member in annotation]}
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (types.UnionType, typing.Union):
        options = [value_schema(a) for a in args if a is not type(None)]
        chosen = options[0] if len(options) == 1 else {"anyOf": options}
        return {"anyOf": [chosen, {"type": "null"}]} if type(None) in args else chosen
    if origin in (tuple, list, frozenset, set):
        return {"type": "array", "items": value_schema(args[0]) if args else {}}
    if origin is dict or annotation is dict:
        return {"type": "object"}
    if dataclasses.is_dataclass(annotation):
        return object_schema(annotation)
    raise TypeError(f"no JSON Schema for {annotation!r}")


def data_schema(event_class: type[Event]) -> dict[str, Any]:
    return object_schema(event_class)


def object_schema(declared: Any) -> dict[str, Any]:
    """A dataclass as a JSON object: each field required, nothing else."""
    hints = typing.get_type_hints(declared)
    fields = [f.name for f in dataclasses.fields(declared)]
    return {
        "type": "object",
        "properties": {name: value_schema(hints[name]) for name in fields},
        "required": fields,
        "additionalProperties": False,
    }


def summary(event_class: type[Event]) -> str:
    """The class's own docstring, or its subject when it has none (dataclasses make one up)."""
    doc = " ".join((event_class.__doc__ or "").split())
    return event_class.subject if doc.startswith(f"{event_class.__name__}(") else doc


def cloud_event_schema(event_class: type[Event]) -> dict[str, Any]:
    """The whole message on the stream: a structured CloudEvent 1.0 carrying the event."""
    event_type = event_class.event_type()
    return {
        "$schema": DRAFT,
        "$id": f"https://smartcity.example/events/{event_type}.json",
        "title": event_type,
        "description": summary(event_class),
        "type": "object",
        "properties": {
            "specversion": {"const": SPEC_VERSION},
            "id": {"type": "string", "description": "unique; also the NATS Nats-Msg-Id"},
            "source": {"type": "string"},
            "type": {"const": event_type},
            "subject": {"type": "string", "description": "the key of the entity"},
            "time": {"type": "string", "format": "date-time"},
            "datacontenttype": {"const": "application/json"},
            "data": data_schema(event_class),
            "traceparent": {
                "type": "string",
                "description": "W3C Trace Context of the span that recorded the event, when "
                "the producer records traces (the CloudEvents distributed tracing extension)",
            },
            "tracestate": {"type": "string", "description": "W3C Trace Context's vendor state"},
        },
        "required": ["specversion", "id", "source", "type", "subject", "time", "data"],
    }
