"""Quick wins: proposed by a region, decided by the ministry."""

from __future__ import annotations

from services.catalog import access, commands, domain
from services.catalog.repository import Catalog
from services.kernel import ids
from services.kernel.auth import Principal
from services.kernel.repository import added, change, require


async def propose_quick_win(
    cmd: commands.ProposeQuickWin, principal: Principal, catalog: Catalog
) -> domain.QuickWin:
    program = await require(catalog.programs, cmd.program_id, "program", "programId")
    access.require_writer_of(principal, program.region_code, "programId")
    proposal = domain.QuickWin.propose(
        id=ids.new_id(), region_code=program.region_code, **vars(cmd), proposed_by=principal.subject
    )
    return await added(catalog.quick_wins, proposal)


async def decide_quick_win(
    cmd: commands.DecideQuickWin, principal: Principal, catalog: Catalog
) -> domain.QuickWin:
    access.require_admin(principal)

    def decide(proposal: domain.QuickWin) -> None:
        proposal.decide(cmd.decision, cmd.reason, principal.subject)

    return await change(catalog.quick_wins, cmd.id, "quick win", "id", decide)
