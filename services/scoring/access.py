"""Who may read which scorecards and rule sets."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from services.kernel import errors
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


async def require_follower(
    principal: Principal, cycle_id: str, region_code: str | None, closed: ClosedCycles
) -> None:
    """Who may follow a cycle's scorecards as they change: whoever may read all it would be
    told of. While the cycle is open: ministries and admins, and a region's operator who
    names their own region."""
    if principal.role in READ_ALL:
        return
    if principal.role is Role.REGION_OPERATOR and region_code and region_code == principal.region:
        return
    [is_closed] = await closed([cycle_id])
    if not is_closed:
        raise errors.Forbidden(
            f"the scorecards of cycle {cycle_id} are not yours to follow while it is open",
            "regionCode" if principal.role is Role.REGION_OPERATOR else "cycleId",
        )


def require_ruleset_reader(principal: Principal) -> None:
    principal.require_role(*READ_ALL)
