"""The event contract: an AsyncAPI 3.0 document and a JSON Schema per event type, both made
from the event classes the services publish. `python -m services.asyncapi` writes them under
`docs/`; a test keeps the committed files equal to what this makes."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

from services.contracts.events import catalog as catalog_events
from services.contracts.events import scoring as scoring_events
from services.contracts.events import survey as survey_events
from services.kernel.event_schemas import cloud_event_schema, summary
from services.kernel.events import Event
from services.kernel.messaging import DUPLICATE_WINDOW, STREAM

DOCS = Path(__file__).resolve().parents[1] / "docs"
PUBLISHERS = {"catalog": catalog_events, "survey": survey_events, "scoring": scoring_events}


def event_classes() -> dict[str, list[type[Event]]]:
    """Each service's event classes, in the order their module defines them."""
    found: dict[str, list[type[Event]]] = {}
    for service, module in PUBLISHERS.items():
        found[service] = [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, Event)
            and value.__module__ == module.__name__
        ]
    return found


def _name(event_class: type[Event]) -> str:
    return event_class.__name__[0].lower() + event_class.__name__[1:]


def document() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for service, classes in event_classes().items():
        for event_class in classes:
            name, event_type = _name(event_class), event_class.event_type()
            schema = cloud_event_schema(event_class)
            schemas[event_type] = {k: v for k, v in schema.items() if k not in ("$schema", "$id")}
            messages[name] = {
                "name": event_type,
                "title": event_class.subject,
                "summary": summary(event_class),
                "contentType": "application/json",
                "headers": {
                    "type": "object",
                    "properties": {
                        "Nats-Msg-Id": {"type": "string", "description": "the CloudEvent id"}
                    },
                },
                "payload": {"$ref": f"#/components/schemas/{event_type}"},
            }
            channels[name] = {
                "address": event_class.subject,
                "description": f"Published by {service}; the key of the entity is `subject`.",
                "messages": {name: {"$ref": f"#/components/messages/{name}"}},
            }
            operations[f"{service}Publishes{event_class.__name__}"] = {
                "action": "send",
                "channel": {"$ref": f"#/channels/{name}"},
                "messages": [{"$ref": f"#/channels/{name}/messages/{name}"}],
            }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Smart City Evaluation Suite events",
            "version": "1.0.0",
            "description": (
                f"Every change is published as a structured CloudEvent 1.0 on the JetStream "
                f"stream `{STREAM}` (subjects `smartcity.>`), with `Nats-Msg-Id` set to the "
                f"event id; the stream drops a repeated id within "
                f"{int(DUPLICATE_WINDOW.total_seconds() // 60)} minutes. The event `type` is "
                "the subject plus a version suffix. Consumers deduplicate by `id`."
            ),
        },
        "servers": {
            "embedded": {
                "host": "127.0.0.1:4222",
                "protocol": "nats",
                "description": "the nats-server `smartcity up` starts",
            }
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def rendered() -> dict[Path, str]:
    """Every contract file, by path, as it should read."""
    files = {DOCS / "asyncapi.yaml": yaml.safe_dump(document(), sort_keys=False, width=100)}
    for classes in event_classes().values():
        for event_class in classes:
            path = DOCS / "events" / f"{event_class.event_type()}.json"
            files[path] = json.dumps(cloud_event_schema(event_class), indent=2) + "\n"
    return files


def main() -> int:
    for path, text in rendered().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {path.relative_to(DOCS.parent)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
