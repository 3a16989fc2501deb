"""Who may read which scorecards and rule sets."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from services.kernel.auth import Principal, Role
from services.scoring.domain.scorecards import Scorecard

READ_ALL = (Role.ADMIN, Role.MINISTRY)
ClosedCycles = Callable[[list[str]], Awaitable[Sequence[bool]]]  # is each of these closed?


async def readable(
    principal: Principal, cards: Sequence[Scorecard], closed: ClosedCycles
) -> list[Scorecard]:
    """Everyone reads a closed cycle's scorecards; while it is open, ministries and admins
    read all of them and a region operator its own region's. The cycles are asked about
    together, in one call."""
    if principal.role in READ_ALL:
        return list(cards)
    own = principal.region if principal.role is Role.REGION_OPERATOR else None
    asked = list(dict.fromkeys(c.cycle_id for c in cards if c.region_code != own))
    is_closed = dict(zip(asked, await closed(asked), strict=True)) if asked else {}
    return [c for c in cards if c.region_code == own or is_closed[c.cycle_id]]


def require_ruleset_reader(principal: Principal) -> None:
    principal.require_role(*READ_ALL)
