"""What scoring publishes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from services.kernel.events import Event


@dataclass(frozen=True)
class ScorecardPublished(Event):
    """A region's scorecard for a cycle changed: it carries the scorecard with its first 50
    flags, recommendations and rules fired (each list's total beside it, as `flags_total`,
    `recommendations_total`, `explanation_total`); the rules' matched facts are a query away."""

    subject: ClassVar[str] = "smartcity.scoring.scorecard.published"
    version: ClassVar[int] = 2  # v1 carried every flag and fact, so could exceed what NATS takes
    key_field: ClassVar[str] = "id"
    id: str
    region_code: str
    cycle_id: str
    revision: int
    ruleset_version: int
    final_index: float
    scorecard: dict[str, Any]


@dataclass(frozen=True)
class RuleSetActivated(Event):
    subject: ClassVar[str] = "smartcity.scoring.ruleset.activated"
    key_field: ClassVar[str] = "id"
    id: str
    ruleset_version: int
    name: str
    activated_by: str
    previous_version: int | None
