"""Programs of a masterplan and the progress reported on them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from services.catalog import commands, domain
from services.catalog.repository import Catalog
from services.kernel import ids
from services.kernel.auth import Principal
from services.kernel.clock import utc_now
from services.kernel.repository import added, change, require

Today = Callable[[], dt.date]


def _today() -> dt.date:
    return utc_now().date()


async def add_program(
    cmd: commands.AddProgram, principal: Principal, catalog: Catalog
) -> domain.Program:
    plan = await require(catalog.masterplans, cmd.masterplan_id, "masterplan", "masterplanId")
    principal.require_region_writer(plan.region_code, "masterplanId")
    program = domain.Program.add(id=ids.new_id(), region_code=plan.region_code, **vars(cmd))
    return await added(catalog.programs, program)


async def update_program(
    cmd: commands.Update, principal: Principal, catalog: Catalog
) -> domain.Program:
    def update(program: domain.Program) -> None:
        principal.require_region_writer(program.region_code, "id")
        program.update(cmd.changes)

    return await change(catalog.programs, cmd.key, "program", "id", update)


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

    def add_report(program: domain.Program) -> None:
        principal.require_region_writer(program.region_code, "programId")
        program.report_progress(report, today())

    return await change(catalog.programs, cmd.program_id, "program", "programId", add_report)
