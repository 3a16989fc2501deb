"""Who may read a region's evaluation work in a cycle before it is public."""

from __future__ import annotations

from services.kernel import errors
from services.kernel.auth import Principal, Role
from services.survey.domain.assessments import assignment_id
from services.survey.repository import Survey


async def is_insider(survey: Survey, principal: Principal, region_code: str, cycle_id: str) -> bool:
    """Admins, ministries, the region's own operator and the assessors assigned to it."""
    if principal.role in (Role.ADMIN, Role.MINISTRY):
        return True
    if principal.role is Role.REGION_OPERATOR:
        return principal.region == region_code
    if principal.role is Role.ASSESSOR:
        assignment = await survey.assignments.get(assignment_id(region_code, cycle_id))
        return assignment is not None and principal.subject in assignment.assessors
    return False


def refuse(principal: Principal, what: str) -> errors.UserError:
    if principal.is_anonymous:
        return errors.Unauthenticated(f"sign in to read {what}")
    return errors.Forbidden(f"{what} are not yours to read")


async def require_findings_reader(
    survey: Survey, principal: Principal, region_code: str, cycle_id: str
) -> None:
    """Findings are public once their cycle is closed; until then only insiders read them."""
    cycle = await survey.facts.cycle(cycle_id)
    if cycle is not None and cycle.status == "closed":
        return
    if not await is_insider(survey, principal, region_code, cycle_id):
        raise refuse(principal, f"the findings on {region_code} in cycle {cycle_id}")
