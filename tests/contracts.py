"""The committed event contract (docs/events/*.json), applied to events the services publish."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

EVENTS = Path(__file__).resolve().parents[1] / "docs" / "events"


@cache
def _validator(event_type: str) -> jsonschema.Draft202012Validator:
    path = EVENTS / f"{event_type}.json"
    assert path.exists(), f"no schema in docs/events for {event_type}"
    return jsonschema.Draft202012Validator(
        json.loads(path.read_text()), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def check_event(cloud_event: dict[str, Any]) -> None:
    """Fails when a published CloudEvent does not match its type's committed schema."""
    errors = sorted(_validator(cloud_event["type"]).iter_errors(cloud_event), key=str)
    assert not errors, f"{cloud_event['type']}: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors
    )
