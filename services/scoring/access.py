"""Who may read which scorecards and rule sets."""

from __future__ import annotations

from services.kernel.auth import Principal, Role
from services.scoring.domain.scorecards import Scorecard
from services.scoring.repository import Scoring

READ_ALL = (Role.ADMIN, Role.MINISTRY)


async def may_read(principal: Principal, card: Scorecard, scoring: Scoring) -> bool:
    """Everyone reads a closed cycle's scorecards; while it is open, ministries and admins
    read all of them and a region operator its own region's."""
    if principal.role in READ_ALL:
        return True
    if principal.role is Role.REGION_OPERATOR and principal.region == card.region_code:
        return True
    return await scoring.facts.cycle_is_closed(card.cycle_id)


async def readable(
    principal: Principal, cards: list[Scorecard], scoring: Scoring
) -> list[Scorecard]:
    return [c for c in cards if await may_read(principal, c, scoring)]


def require_ruleset_reader(principal: Principal) -> None:
    principal.require_role(*READ_ALL)
