"""Rule set versions: immutable once drafted, one of them active, every change audited."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any

from services.contracts.events.scoring import RuleSetActivated
from services.kernel.aggregate import Aggregate
from services.kernel.errors import MAX_PROBLEMS
from services.scoring.domain import definitions, locating
from services.scoring.domain.rules import Problem

ACTIVE_POINTER = "active"
MOST_PROBLEMS = MAX_PROBLEMS + 1  # a document's problems shown, and one saying how many more


def ruleset_id(number: int) -> str:
    return f"v{number}"


@dataclass(kw_only=True)
class RuleSet(Aggregate):
    id: str
    number: int
    name: str
    text: str
    author: str
    created_at: dt.datetime
    problems: tuple[Problem, ...] = ()
    based_on: int | None = None

    @classmethod
    def draft(
        cls, number: int, text: str, author: str, at: dt.datetime, based_on: int | None = None
    ) -> RuleSet:
        definition, problems = read(text)
        name = definition.name if definition else ""
        return cls(
            id=ruleset_id(number), number=number, name=name, text=text, author=author,
            created_at=at, problems=tuple(problems), based_on=based_on,
        )  # fmt: skip

    @classmethod
    def unsaved(cls, text: str, author: str, at: dt.datetime) -> RuleSet:
        """A document simulated without being stored: version 0, under a name of its own, so
        that two simulations at once never share their rules workers."""
        unsaved = cls.draft(0, text, author, at)
        unsaved.id = f"unsaved-{secrets.token_hex(8)}"
        return unsaved

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def definition(self) -> definitions.Definition:
        found, problems = read(self.text)
        if found is None:
            raise ValueError(f"rule set {self.id} is not valid: {problems[0].message}")
        return found


def read(text: str) -> tuple[definitions.Definition | None, list[Problem]]:
    """The document's definition, or its problems, each with its line in the document."""
    data, problems = definitions.parse_text(text)
    if problems:
        return None, _shown(text, problems)
    found, problems = definitions.read(data)
    return found, _shown(text, problems)


def _shown(text: str, problems: list[Problem]) -> list[Problem]:
    """The first `MAX_PROBLEMS`, located, and how many more there are."""
    shown = locating.located(text, problems[:MAX_PROBLEMS])
    if len(problems) > MAX_PROBLEMS:
        more = len(problems) - MAX_PROBLEMS
        shown.append(Problem(None, "", f"{more} more problems are not shown: mend these first"))
    return shown


@dataclass(frozen=True)
class Activation:
    number: int
    by: str
    at: dt.datetime


@dataclass(kw_only=True)
class ActiveRuleSet(Aggregate):
    """Which version is active: one document, so switching is one atomic write."""

    id: str = ACTIVE_POINTER
    number: int | None = None
    history: list[Activation] = field(default_factory=list)

    def activate(self, ruleset: RuleSet, by: str, at: dt.datetime) -> None:
        previous = self.number
        self.number = ruleset.number
        self.history.append(Activation(ruleset.number, by, at))
        self.events.append(
            RuleSetActivated(
                id=ruleset.id,
                ruleset_version=ruleset.number,
                name=ruleset.name,
                activated_by=by,
                previous_version=previous,
            )
        )


def audit_entry(
    action: str, actor: str, number: int, at: dt.datetime, **detail: Any
) -> dict[str, Any]:
    return {"action": action, "actor": actor, "ruleset": number, "at": at, **detail}
