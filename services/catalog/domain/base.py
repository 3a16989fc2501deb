"""What every catalog aggregate shares: the recorded events, the version, input checks."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from services.kernel.errors import ProblemCollector
from services.kernel.events import Event

REGION_CODE = re.compile(r"^\d{2}\.\d{2}$")
COHORT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def check_text(problems: ProblemCollector, name: str, value: str, limit: int = 300) -> None:
    problems.check(bool(value.strip()), name, f"{name} must not be empty")
    problems.check(len(value) <= limit, name, f"{name} is longer than {limit} characters")


def check_year(problems: ProblemCollector, name: str, year: int) -> None:
    problems.check(
        FIRST_YEAR <= year <= LAST_YEAR, name, f"{name} must be {FIRST_YEAR}-{LAST_YEAR}"
    )


def check_link(problems: ProblemCollector, name: str, link: str) -> None:
    ok = re.match(r"^https?://[^\s/$.?#].[^\s]*$", link) is not None and len(link) <= 2000
    problems.check(ok, name, f"{name} must be an http(s) URL")


@dataclass(kw_only=True)
class Aggregate:
    version: int = 0
    events: list[Event] = field(default_factory=list, compare=False, repr=False)

    def _apply(self, changes: dict[str, Any], editable: tuple[str, ...]) -> tuple[str, ...]:
        """Sets the editable fields that differ and says which they were."""
        changed = tuple(k for k in editable if k in changes and changes[k] != getattr(self, k))
        for name in changed:
            setattr(self, name, changes[name])
        return changed

    def state(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name not in ("version", "events")
        }
