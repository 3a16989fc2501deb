"""Whether a program would be an eligible quick win: the active rules run on the region's
evidence as it stands, with the program proposed in the cycle's year. Nothing is stored; the
region learns the verdict, and its reason, before it proposes."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from services.kernel import errors
from services.kernel.auth import Principal, Role
from services.scoring.access import READ_ALL
from services.scoring.handlers.scorer import RescoreReport, Scorer


@dataclass(frozen=True)
class Readiness:
    """The rules' decision (rule, eligible, reason; None when no rule decides), and the
    program's planning progress as scoring has counted it, which a report the catalog has
    just taken may not be part of yet."""

    decision: dict[str, Any] | None
    planning_percent: float


def require_planner(principal: Principal, region_code: str) -> None:
    """Admins and ministries, and the region's own operator."""
    if principal.role in READ_ALL:
        return
    principal.require_role(*READ_ALL, Role.REGION_OPERATOR)
    if principal.region != region_code:
        raise errors.Forbidden(f"region {region_code} is not yours to plan", "regionCode")


async def quick_win_readiness(
    scorer: Scorer, principal: Principal, program_id: str, region_code: str, cycle_id: str
) -> Readiness:
    require_planner(principal, region_code)
    loaded = await scorer.active()
    if loaded is None:
        raise errors.Conflict("no rule set is active")
    evidence = await scorer.evidence_of(region_code, cycle_id)
    if evidence is None:
        raise errors.NotFound(
            f"scoring has no evidence of {region_code} in {cycle_id} yet", "cycleId"
        )
    program = next((p for p in evidence.programs if p.program_id == program_id), None)
    if program is None:
        raise errors.NotFound(f"scoring does not know program {program_id} (yet)", "id")
    proposed = dataclasses.replace(
        program, quick_win_years=(*program.quick_win_years, evidence.year)
    )
    programs = tuple(proposed if p is program else p for p in evidence.programs)
    report = RescoreReport()
    computed = await scorer.compute_evidence(
        loaded, [dataclasses.replace(evidence, programs=programs)], report
    )
    if not computed:
        raise errors.Conflict(f"the active rules cannot score {region_code}: {report.failed}")
    decided: dict[str, Any] | None = computed[0].content.quick_wins.get(program_id)
    return Readiness(decided, program.planning_percent)
