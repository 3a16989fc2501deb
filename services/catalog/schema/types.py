"""GraphQL output types of the catalog; each only translates a domain object."""

from __future__ import annotations

import datetime as dt
from typing import Any, Self

import strawberry
from strawberry.types import Info

from services.catalog import domain
from services.catalog.context import CatalogContext
from services.catalog.domain import cycles, programs
from services.catalog.domain.cycles import EvaluationCycleFields
from services.catalog.domain.programs import ProgramFields
from services.catalog.domain.quick_wins import QuickWinFields
from services.catalog.domain.regions import MasterplanFields, RegionFields
from services.catalog.repository import Page, ProgramFilter, QuickWinFilter
from services.catalog.schema import filters
from services.contracts import reference
from services.kernel.graphql import BATCHED, DEFAULT_PAGE, SMALL_PAGE, assumed, paged
from services.kernel.output_types import FilledByName, translated

RegionKind = domain.RegionKind
MasterplanStatus = domain.MasterplanStatus
ProgramPhase = domain.ProgramPhase
FundingSource = domain.FundingSource
ProgressStage = domain.ProgressStage
QuickWinStatus = domain.QuickWinStatus
CycleStage = domain.CycleStage
CycleStatus = domain.CycleStatus
for _enum in (
    RegionKind, MasterplanStatus, ProgramPhase, FundingSource, ProgressStage, QuickWinStatus,
    CycleStage, CycleStatus,
):  # fmt: skip
    strawberry.enum(_enum)

CatalogInfo = Info[CatalogContext, None]


@strawberry.type
class SubDimension:
    key: str
    name: str
    dimension: str


@strawberry.type
class Dimension:
    key: str
    name: str
    sub_dimensions: list[SubDimension] = strawberry.field(
        directives=assumed(max(len(d.sub_dimensions) for d in reference.DIMENSIONS))
    )

    @classmethod
    def from_domain(cls, dimension: reference.Dimension) -> Self:
        subs = [
            SubDimension(key=s.key, name=s.name, dimension=s.dimension)
            for s in dimension.sub_dimensions
        ]
        return cls(key=dimension.key, name=dimension.name, sub_dimensions=subs)


@strawberry.type
class ProgressReport(FilledByName):
    id: strawberry.ID
    stage: ProgressStage
    percent: float
    reported_on: dt.date
    note: str
    evidence: list[str]
    reported_by: str


@strawberry.type(description="What a sheet of programs added, or (a dry run) would add.")
class ImportedPrograms(FilledByName):
    added: int
    skipped: int = strawberry.field(description="Rows whose name the region already has.")
    stored: bool = strawberry.field(description="False for a dry run.")


@strawberry.federation.type(keys=["id"])
class Program(ProgramFields, FilledByName):
    id: strawberry.ID
    masterplan_id: strawberry.ID
    funding_sources: list[FundingSource]  # type: ignore[assignment]  # the domain's tuple
    planning_percent: float
    implementation_percent: float
    progress_reports: list[ProgressReport] = strawberry.field(
        directives=assumed(programs.MAX_PROGRESS_REPORTS)
    )

    @classmethod
    def from_domain(cls, program: domain.Program) -> Self:
        """The latest reports, as many as a program keeps now (one stored before may hold
        more)."""
        kept = program.progress_reports[-programs.MAX_PROGRESS_REPORTS :]
        reports = [ProgressReport.from_domain(r) for r in kept]
        return translated(cls, program, progress_reports=reports)

    @classmethod
    async def resolve_reference(cls, info: CatalogInfo, id: strawberry.ID) -> Self | None:
        found = await info.context.loaders.programs.load(str(id))
        return cls.from_found(found)

    @strawberry.field
    async def region(self, info: CatalogInfo) -> Region | None:
        found = await info.context.loaders.regions.load(self.region_code)
        return Region.from_found(found)

    @strawberry.field(directives=paged(weight=BATCHED))
    async def quick_wins(
        self, info: CatalogInfo, first: int = SMALL_PAGE, after: str | None = None
    ) -> list[QuickWin]:
        asked = (str(self.id), QuickWinFilter(), Page(first, after))
        found = await info.context.loaders.quick_wins_of_program.load(asked)
        return [QuickWin.from_domain(q) for q in found]


@strawberry.type
class Masterplan(MasterplanFields, FilledByName):
    id: strawberry.ID

    @strawberry.field(directives=paged(weight=BATCHED))
    async def programs(
        self, info: CatalogInfo, first: int = DEFAULT_PAGE, after: str | None = None
    ) -> list[Program]:
        found = await info.context.loaders.programs_of_masterplan.load(
            (str(self.id), ProgramFilter(), Page(first, after))
        )
        return [Program.from_domain(p) for p in found]


@strawberry.federation.type(keys=["code"])
class Region(RegionFields, FilledByName):
    @classmethod
    async def resolve_reference(cls, info: CatalogInfo, code: str) -> Self | None:
        found = await info.context.loaders.regions.load(code)
        return cls.from_found(found)

    @strawberry.field(directives=paged(weight=BATCHED))
    async def masterplans(
        self, info: CatalogInfo, first: int = SMALL_PAGE, after: str | None = None
    ) -> list[Masterplan]:
        found = await info.context.loaders.masterplans_of_region.load(
            (self.code, None, Page(first, after))
        )
        return [Masterplan.from_domain(m) for m in found]

    @strawberry.field(directives=paged(weight=BATCHED))
    async def programs(
        self,
        info: CatalogInfo,
        dimension: str | None = None,
        phase: ProgramPhase | None = None,
        year: int | None = None,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> list[Program]:
        filters.check_filter(dimension)
        where = ProgramFilter(dimension=dimension, phase=phase, year=year)
        found = await info.context.loaders.programs_of_region.load(
            (self.code, where, Page(first, after))
        )
        return [Program.from_domain(p) for p in found]

    @strawberry.field(directives=paged(weight=BATCHED))
    async def quick_wins(
        self, info: CatalogInfo, year: int | None = None, first: int = 50,
        after: str | None = None,
    ) -> list[QuickWin]:  # fmt: skip
        asked = (self.code, QuickWinFilter(year=year), Page(first, after))
        found = await info.context.loaders.quick_wins_of_region.load(asked)
        return [QuickWin.from_domain(q) for q in found]


@strawberry.type
class QuickWin(QuickWinFields, FilledByName):
    id: strawberry.ID
    program_id: strawberry.ID

    @strawberry.field
    async def program(self, info: CatalogInfo) -> Program | None:
        found = await info.context.loaders.programs.load(str(self.program_id))
        return Program.from_found(found)


@strawberry.federation.type(keys=["id"])
class EvaluationCycle(EvaluationCycleFields, FilledByName):
    id: strawberry.ID
    region_codes: list[str]  # type: ignore[assignment]  # the domain's tuple, shown as a list

    @classmethod
    async def resolve_reference(cls, info: CatalogInfo, id: strawberry.ID) -> Self | None:
        found = await info.context.loaders.cycles.load(str(id))
        return cls.from_found(found)

    @strawberry.field(directives=assumed(cycles.MAX_CYCLE_REGIONS))
    async def regions(self, info: CatalogInfo) -> list[Region]:
        found = await info.context.loaders.regions.load_many(self.region_codes)
        return [Region.from_domain(r) for r in found if r is not None]


def present(values: Any) -> dict[str, Any]:
    """The fields of an update input that the caller actually sent."""
    return {k: v for k, v in vars(values).items() if v is not strawberry.UNSET}
