"""The base of every aggregate: the events it recorded since loading, and its stored version."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from services.kernel.events import Event


@dataclass(kw_only=True)
class Aggregate:
    """`events` are what it recorded since loading; a change that records none (a state
    published in batches elsewhere) is marked `changed`, so that saving still writes it."""

    version: int = 0
    events: list[Event] = field(default_factory=list, compare=False, repr=False)
    changed: bool = field(default=False, init=False, compare=False, repr=False)

    def _apply(self, changes: dict[str, Any], editable: tuple[str, ...]) -> tuple[str, ...]:
        """Sets the editable fields that differ and says which they were."""
        changed = tuple(k for k in editable if k in changes and changes[k] != getattr(self, k))
        for name in changed:
            setattr(self, name, changes[name])
        return changed

    def state(self) -> dict[str, Any]:
        """The fields it was built from, less the bookkeeping ones."""
        return {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.init and f.name not in ("version", "events")
        }
