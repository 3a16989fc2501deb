"""Programs of a masterplan and the progress reported on them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from services.catalog import access, commands, domain
from services.catalog.repository import Catalog, ProgramFilter
from services.kernel import errors, ids
from services.kernel.auth import Principal
from services.kernel.clock import utc_now
from services.kernel.repository import added, change, every, require

MOST_IMPORTED = 600  # programs of one sheet: as many as a region keeps

Today = Callable[[], dt.date]


def _today() -> dt.date:
    return utc_now().date()


async def add_program(
    cmd: commands.AddProgram, principal: Principal, catalog: Catalog
) -> domain.Program:
    plan = await require(catalog.masterplans, cmd.masterplan_id, "masterplan", "masterplanId")
    access.require_writer_of(principal, plan.region_code, "masterplanId")
    program = domain.Program.add(id=ids.new_id(), region_code=plan.region_code, **vars(cmd))
    return await added(catalog.programs, program)


@dataclass
class ImportedPrograms:
    added: int = 0
    skipped: int = 0  # the region already has a program of that name
    stored: bool = False


async def import_programs(
    cmd: commands.ImportPrograms, principal: Principal, catalog: Catalog
) -> ImportedPrograms:
    """Every row is checked before any is stored, each problem named by its row and field;
    a row whose name the region already has is skipped, so a sheet sent again adds nothing
    twice."""
    plan = await require(catalog.masterplans, cmd.masterplan_id, "masterplan", "masterplanId")
    access.require_writer_of(principal, plan.region_code, "masterplanId")
    if not 1 <= len(cmd.programs) <= MOST_IMPORTED:
        raise errors.BadUserInput(f"send 1 to {MOST_IMPORTED} programs", "programs")
    where = ProgramFilter(region_codes=(plan.region_code,))
    held = await every(lambda page: catalog.programs.list(where, page), lambda p: p.id)
    names = {p.name.strip().casefold() for p in held}
    problems, fresh, report = errors.ProblemCollector(), [], ImportedPrograms()
    first_row: dict[str, int] = {}
    for index, row in enumerate(cmd.programs):
        at = f"programs[{index}]"
        name = row.name.strip().casefold()
        if name in first_row:
            problems.add(f"{at}.name", f"the same name as row {first_row[name] + 1}")
            continue
        first_row[name] = index
        values = vars(row) | {"masterplan_id": plan.id}
        try:
            program = domain.Program.add(id=ids.new_id(), region_code=plan.region_code, **values)
        except errors.UserError as refused:
            for problem in refused.problems:
                problems.add(f"{at}.{problem.field}" if problem.field else at, problem.message)
            continue
        if name in names:
            report.skipped += 1
        else:
            fresh.append(program)
    problems.raise_if_any()
    report.added = len(fresh)
    if not cmd.dry_run:
        for program in fresh:
            await catalog.programs.add(program)
        report.stored = True
    return report


async def update_program(
    cmd: commands.Update, principal: Principal, catalog: Catalog
) -> domain.Program:
    def update(program: domain.Program) -> None:
        access.require_writer_of(principal, program.region_code, "id")
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
        access.require_writer_of(principal, program.region_code, "programId")
        program.report_progress(report, today())

    return await change(catalog.programs, cmd.program_id, "program", "programId", add_report)
