"""GraphQL inputs of the catalog, each turned into a command."""

from __future__ import annotations

import strawberry

from services.catalog import commands
from services.catalog.domain.programs import Program, ProgramFields
from services.catalog.domain.regions import Region, RegionFields
from services.catalog.schema.types import (
    FundingSource,
    present,
)
from services.kernel.update_inputs import editable_fields

UNSET = strawberry.UNSET


@strawberry.input
class CreateRegionInput(commands.CreateRegion):
    def command(self) -> commands.CreateRegion:
        return commands.CreateRegion(**vars(self))


@strawberry.input
class UpdateRegionInput(
    editable_fields("RegionChanges", RegionFields, Region.EDITABLE)  # type: ignore[misc]
):
    def command(self, code: str) -> commands.Update:
        changes = {k: v for k, v in present(self).items() if v is not None or k == "area_km2"}
        return commands.Update(code, changes)


@strawberry.input
class CreateMasterplanInput(commands.CreateMasterplan):
    def command(self) -> commands.CreateMasterplan:
        return commands.CreateMasterplan(**vars(self))


@strawberry.input
class AddProgramInput(commands.AddProgram):
    masterplan_id: strawberry.ID
    funding_sources: list[FundingSource] = strawberry.field(default_factory=list)

    def command(self) -> commands.AddProgram:
        values = vars(self) | {
            "masterplan_id": str(self.masterplan_id),
            "funding_sources": tuple(self.funding_sources),
        }
        return commands.AddProgram(**values)


@strawberry.input(description="A row of a sheet of programs: a program but its masterplan.")
class ProgramRowInput(commands.ProgramRow):
    funding_sources: list[FundingSource] = strawberry.field(default_factory=list)

    def command(self) -> commands.ProgramRow:
        return commands.ProgramRow(**vars(self) | {"funding_sources": tuple(self.funding_sources)})


@strawberry.input
class ImportProgramsInput:
    masterplan_id: strawberry.ID
    programs: list[ProgramRowInput]
    dry_run: bool = strawberry.field(
        default=False, description="Checks every row, storing nothing."
    )

    def command(self) -> commands.ImportPrograms:
        rows = tuple(row.command() for row in self.programs)
        return commands.ImportPrograms(str(self.masterplan_id), rows, self.dry_run)


@strawberry.input
class UpdateProgramInput(
    editable_fields("ProgramChanges", ProgramFields, Program.EDITABLE)  # type: ignore[misc]
):
    def command(self, program_id: str) -> commands.Update:
        changes = {k: v for k, v in present(self).items() if v is not None}
        if "funding_sources" in changes:
            changes["funding_sources"] = tuple(changes["funding_sources"])
        return commands.Update(program_id, changes)


@strawberry.input
class ReportProgressInput(commands.ReportProgress):
    program_id: strawberry.ID
    evidence: list[str] = strawberry.field(default_factory=list)

    def command(self) -> commands.ReportProgress:
        values = vars(self) | {"program_id": str(self.program_id), "evidence": tuple(self.evidence)}
        return commands.ReportProgress(**values)


@strawberry.input
class ProposeQuickWinInput(commands.ProposeQuickWin):
    program_id: strawberry.ID

    def command(self) -> commands.ProposeQuickWin:
        return commands.ProposeQuickWin(str(self.program_id), self.year, self.rationale)


@strawberry.input
class DecideQuickWinInput(commands.DecideQuickWin):
    id: strawberry.ID

    def command(self) -> commands.DecideQuickWin:
        return commands.DecideQuickWin(str(self.id), self.decision, self.reason)


@strawberry.input
class CreateEvaluationCycleInput(commands.CreateEvaluationCycle):
    region_codes: list[str]

    def command(self) -> commands.CreateEvaluationCycle:
        return commands.CreateEvaluationCycle(
            **vars(self) | {"region_codes": tuple(self.region_codes)}
        )
