"""The catalog's use cases: check the caller, change the aggregate, store it with its events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from services.catalog import commands, domain
from services.catalog.repository import Catalog
from services.kernel import errors, ids
from services.kernel.auth import Principal, Role
from services.kernel.repository import require

Today = Callable[[], dt.date]


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


async def create_region(
    cmd: commands.CreateRegion, principal: Principal, catalog: Catalog
) -> domain.Region:
    principal.require_role(Role.ADMIN)
    region = domain.Region.register(**vars(cmd))
    await catalog.regions.add(region)
    return region


async def update_region(
    cmd: commands.UpdateRegion, principal: Principal, catalog: Catalog
) -> domain.Region:
    principal.require_region_writer(cmd.code, "code")
    if "cohort" in cmd.changes:
        principal.require_role(Role.ADMIN)

    async def attempt() -> domain.Region:
        region = await require(catalog.regions, cmd.code, "region", "code")
        region.update(cmd.changes)
        await catalog.regions.save(region)
        return region

    return await errors.retry_when_stale(attempt)


async def create_masterplan(
    cmd: commands.CreateMasterplan, principal: Principal, catalog: Catalog
) -> domain.Masterplan:
    principal.require_region_writer(cmd.region_code)
    await require(catalog.regions, cmd.region_code, "region", "regionCode")
    plan = domain.Masterplan.create(id=ids.new_id(), **vars(cmd))
    await catalog.masterplans.add(plan)
    return plan


async def add_program(
    cmd: commands.AddProgram, principal: Principal, catalog: Catalog
) -> domain.Program:
    plan = await require(catalog.masterplans, cmd.masterplan_id, "masterplan", "masterplanId")
    principal.require_region_writer(plan.region_code, "masterplanId")
    program = domain.Program.add(id=ids.new_id(), region_code=plan.region_code, **vars(cmd))
    await catalog.programs.add(program)
    return program


async def update_program(
    cmd: commands.UpdateProgram, principal: Principal, catalog: Catalog
) -> domain.Program:

    async def attempt() -> domain.Program:
        program = await require(catalog.programs, cmd.id, "program", "id")
        principal.require_region_writer(program.region_code, "id")
        program.update(cmd.changes)
        await catalog.programs.save(program)
        return program

    return await errors.retry_when_stale(attempt)


async def report_progress(
    cmd: commands.ReportProgress,
    principal: Principal,
    catalog: Catalog,
    today: Today = _today,
) -> domain.Program:
    report = domain.ProgressReport(
        id=ids.new_id(),
        stage=cmd.stage,
        percent=cmd.percent,
        reported_on=cmd.reported_on,
        note=cmd.note,
        evidence=tuple(cmd.evidence),
        reported_by=principal.subject,
    )

    async def attempt() -> domain.Program:
        program = await require(catalog.programs, cmd.program_id, "program", "programId")
        principal.require_region_writer(program.region_code, "programId")
        program.report_progress(report, today())
        await catalog.programs.save(program)
        return program

    return await errors.retry_when_stale(attempt)


async def propose_quick_win(
    cmd: commands.ProposeQuickWin, principal: Principal, catalog: Catalog
) -> domain.QuickWin:
    program = await require(catalog.programs, cmd.program_id, "program", "programId")
    principal.require_region_writer(program.region_code, "programId")
    proposal = domain.QuickWin.propose(
        id=ids.new_id(),
        region_code=program.region_code,
        program_id=program.id,
        year=cmd.year,
        rationale=cmd.rationale,
        proposed_by=principal.subject,
    )
    await catalog.quick_wins.add(proposal)
    return proposal


async def decide_quick_win(
    cmd: commands.DecideQuickWin, principal: Principal, catalog: Catalog
) -> domain.QuickWin:
    principal.require_role(Role.ADMIN)

    async def attempt() -> domain.QuickWin:
        proposal = await require(catalog.quick_wins, cmd.id, "quick win", "id")
        proposal.decide(cmd.decision, cmd.reason, principal.subject)
        await catalog.quick_wins.save(proposal)
        return proposal

    return await errors.retry_when_stale(attempt)


async def create_evaluation_cycle(
    cmd: commands.CreateEvaluationCycle, principal: Principal, catalog: Catalog
) -> domain.EvaluationCycle:
    principal.require_role(Role.ADMIN)
    cycle = domain.EvaluationCycle.open(id=ids.new_id(), **vars(cmd))
    known = {r.code for r in await catalog.regions.get_many(list(cmd.region_codes))}
    for index, code in enumerate(cmd.region_codes):
        if code not in known:
            raise errors.NotFound(f"region {code} does not exist", f"regionCodes[{index}]")
    await catalog.cycles.add(cycle)
    return cycle


async def close_evaluation_cycle(
    cmd: commands.CloseEvaluationCycle, principal: Principal, catalog: Catalog
) -> domain.EvaluationCycle:
    principal.require_role(Role.ADMIN)

    async def attempt() -> domain.EvaluationCycle:
        cycle = await require(catalog.cycles, cmd.id, "evaluation cycle", "id")
        cycle.close()
        await catalog.cycles.save(cycle)
        return cycle

    return await errors.retry_when_stale(attempt)
