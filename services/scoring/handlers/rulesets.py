"""Drafting, validating, activating and re-activating rule set versions, audited."""

from __future__ import annotations

from pathlib import Path

from services.kernel import errors
from services.kernel.auth import Principal, Role
from services.kernel.clock import utc_now
from services.kernel.repository import require
from services.scoring.commands import DraftRuleSet
from services.scoring.domain import rulesets
from services.scoring.domain.rules import Problem
from services.scoring.repository import Scoring

DEFAULT = Path(__file__).resolve().parent.parent / "shipped" / "default_ruleset.yaml"
SYSTEM = "system"


def require_admin(principal: Principal) -> None:
    principal.require_role(Role.ADMIN)


def validate(text: str, principal: Principal) -> list[Problem]:
    require_admin(principal)
    return rulesets.read(text)[1]


async def draft(command: DraftRuleSet, principal: Principal, scoring: Scoring) -> rulesets.RuleSet:
    """Stores a new version, valid or not: an invalid one keeps its problems, never active."""
    require_admin(principal)
    text, based_on = command.text, command.based_on
    if based_on is not None:
        await require(scoring.rulesets, rulesets.ruleset_id(based_on), "rule set", "basedOn")
    for _ in range(5):
        number = await scoring.rulesets.newest_number() + 1
        ruleset = rulesets.RuleSet.draft(number, text, principal.subject, utc_now(), based_on)
        try:
            await scoring.rulesets.add(ruleset)
        except errors.Conflict:
            continue  # someone drafted the same number a moment ago
        await scoring.audit.record(
            rulesets.audit_entry(
                "drafted",
                principal.subject,
                number,
                ruleset.created_at,
                valid=ruleset.is_valid,
                based_on=based_on,
            )
        )
        return ruleset
    raise errors.Conflict("too many rule sets drafted at once; try again", "text")


async def activate(number: int, principal: Principal, scoring: Scoring) -> rulesets.RuleSet:
    require_admin(principal)
    return await _activate(number, principal.subject, scoring)


async def _activate(number: int, actor: str, scoring: Scoring) -> rulesets.RuleSet:
    ruleset = await require(scoring.rulesets, rulesets.ruleset_id(number), "rule set", "id")
    if not ruleset.is_valid:
        raise errors.BadUserInput(
            f"rule set {ruleset.id} has {len(ruleset.problems)} problems and cannot be activated",
            "id",
        )
    pointer = await scoring.active.get(rulesets.ACTIVE_POINTER)
    at = utc_now()
    if pointer is None:
        pointer = rulesets.ActiveRuleSet()
        pointer.activate(ruleset, actor, at)
        await scoring.active.add(pointer)
    else:
        if pointer.number == number:
            return ruleset
        pointer.activate(ruleset, actor, at)
        await scoring.active.save(pointer)
    await scoring.audit.record(rulesets.audit_entry("activated", actor, number, at))
    return ruleset


async def install_default(scoring: Scoring) -> None:
    """The shipped rule set becomes version 1 and active when scoring starts empty."""
    if await scoring.rulesets.newest_number() > 0:
        return
    ruleset = rulesets.RuleSet.draft(1, DEFAULT.read_text(), SYSTEM, utc_now())
    try:
        await scoring.rulesets.add(ruleset)
    except errors.Conflict:
        return
    await scoring.audit.record(rulesets.audit_entry("drafted", SYSTEM, 1, ruleset.created_at))
    await _activate(1, SYSTEM, scoring)


async def active_ruleset(scoring: Scoring) -> rulesets.RuleSet | None:
    pointer = await scoring.active.get(rulesets.ACTIVE_POINTER)
    if pointer is None or pointer.number is None:
        return None
    return await scoring.rulesets.get(rulesets.ruleset_id(pointer.number))
