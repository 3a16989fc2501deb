"""Evaluation cycles: opened and closed by the ministry."""

from __future__ import annotations

from services.catalog import access, commands, domain
from services.catalog.repository import Catalog
from services.kernel import errors, ids
from services.kernel.auth import Principal
from services.kernel.repository import added, change


async def create_evaluation_cycle(
    cmd: commands.CreateEvaluationCycle, principal: Principal, catalog: Catalog
) -> domain.EvaluationCycle:
    access.require_admin(principal)
    cycle = domain.EvaluationCycle.open(id=ids.new_id(), **vars(cmd))
    known = {r.code for r in await catalog.regions.get_many(list(cmd.region_codes))}
    for index, code in enumerate(cmd.region_codes):
        if code not in known:
            raise errors.NotFound(f"region {code} does not exist", f"regionCodes[{index}]")
    return await added(catalog.cycles, cycle)


async def close_evaluation_cycle(
    cmd: commands.CloseEvaluationCycle, principal: Principal, catalog: Catalog
) -> domain.EvaluationCycle:
    access.require_admin(principal)
    return await change(catalog.cycles, cmd.id, "evaluation cycle", "id", lambda c: c.close())
