"""The catalog subgraph: queries and mutations of the contract, translating to use cases."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry

from services.catalog import commands, handlers
from services.catalog.repository import (
    Catalog,
    CycleFilter,
    Page,
    ProgramFilter,
    QuickWinFilter,
    RegionFilter,
)
from services.catalog.schema import filters
from services.catalog.schema import inputs as inputs
from services.catalog.schema.types import (
    DEFAULT_PAGE,
    CatalogInfo,
    CycleStage,
    CycleStatus,
    Dimension,
    EvaluationCycle,
    ImportedPrograms,
    Masterplan,
    Program,
    ProgramPhase,
    QuickWin,
    QuickWinStatus,
    Region,
    RegionKind,
)
from services.contracts import reference
from services.kernel.auth import Principal
from services.kernel.errors import located
from services.kernel.graphql import (
    ReplayedEvents,
    SubgraphSchema,
    UndeliveredEvent,
    assumed,
    paged,
    replay_undelivered_events_field,
    undelivered_events_field,
)
from services.kernel.mutations import use_case_mutation

T = TypeVar("T")


@strawberry.type
class Query:
    catalog_undelivered_events: list[UndeliveredEvent] = undelivered_events_field()

    @strawberry.field(
        description="Regions in code order; `after` is the last code of the previous page.",
        directives=paged(),
    )
    async def regions(
        self,
        info: CatalogInfo,
        province: str | None = None,
        cohort: str | None = None,
        kind: RegionKind | None = None,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> list[Region]:
        where = RegionFilter(province=province, cohort=cohort, kind=kind)
        found = await info.context.catalog.regions.list(where, Page(first, after))
        return [Region.from_domain(r) for r in found]

    @strawberry.field
    async def region(self, info: CatalogInfo, code: str) -> Region | None:
        found = await info.context.loaders.regions.load(code)
        return Region.from_found(found)

    @strawberry.field
    async def masterplan(self, info: CatalogInfo, id: strawberry.ID) -> Masterplan | None:
        found = await info.context.loaders.masterplans.load(str(id))
        return Masterplan.from_found(found)

    @strawberry.field
    async def program(self, info: CatalogInfo, id: strawberry.ID) -> Program | None:
        found = await info.context.loaders.programs.load(str(id))
        return Program.from_found(found)

    @strawberry.field(
        description="Programs in creation order; `after` is the last id of the previous page.",
        directives=paged(),
    )
    async def programs(
        self,
        info: CatalogInfo,
        region_code: str | None = None,
        province: str | None = None,
        dimension: str | None = None,
        sub_dimension: str | None = None,
        phase: ProgramPhase | None = None,
        year: int | None = None,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> list[Program]:
        filters.check_filter(dimension, sub_dimension)
        catalog = info.context.catalog
        region_codes: tuple[str, ...] | None = (region_code,) if region_code else None
        if province is not None:
            in_province = await catalog.regions.list(RegionFilter(province=province), Page(500))
            region_codes = tuple(r.code for r in in_province if region_code in (None, r.code))
        where = ProgramFilter(region_codes, None, dimension, sub_dimension, phase, year)
        found = await catalog.programs.list(where, Page(first, after))
        return [Program.from_domain(p) for p in found]

    @strawberry.field(directives=paged())
    async def quick_wins(
        self,
        info: CatalogInfo,
        region_code: str | None = None,
        year: int | None = None,
        status: QuickWinStatus | None = None,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> list[QuickWin]:
        codes = (region_code,) if region_code else None
        where = QuickWinFilter(region_codes=codes, year=year, status=status)
        found = await info.context.catalog.quick_wins.list(where, Page(first, after))
        return [QuickWin.from_domain(q) for q in found]

    @strawberry.field(directives=paged())
    async def evaluation_cycles(
        self,
        info: CatalogInfo,
        year: int | None = None,
        stage: CycleStage | None = None,
        cohort: str | None = None,
        status: CycleStatus | None = None,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> list[EvaluationCycle]:
        where = CycleFilter(year=year, stage=stage, cohort=cohort, status=status)
        found = await info.context.catalog.cycles.list(where, Page(first, after))
        return [EvaluationCycle.from_domain(c) for c in found]

    @strawberry.field
    async def evaluation_cycle(
        self, info: CatalogInfo, id: strawberry.ID
    ) -> EvaluationCycle | None:
        found = await info.context.loaders.cycles.load(str(id))
        return EvaluationCycle.from_found(found)

    @strawberry.field(
        description="The six smart city dimensions and their sub-dimensions.",
        directives=assumed(len(reference.DIMENSIONS)),
    )
    def dimensions(self) -> list[Dimension]:
        return [Dimension.from_domain(d) for d in reference.DIMENSIONS]


UseCase = Callable[[Any, Principal, Catalog], Awaitable[T]]


async def perform(info: CatalogInfo, use_case: UseCase[T], command: Any) -> T:
    """Runs a use case for the caller; errors name their field under `input`."""
    with located("input"):
        return await use_case(command, info.context.principal, info.context.catalog)


def _mutation(use_case: Any, input_type: type[Any], output: type[Any]) -> Any:
    return use_case_mutation(use_case, input_type, output, repositories="catalog")


@strawberry.type
class Mutation:
    catalog_replay_undelivered_events: ReplayedEvents = replay_undelivered_events_field()
    create_region = _mutation(handlers.regions.create_region, inputs.CreateRegionInput, Region)

    @strawberry.mutation
    async def update_region(
        self, info: CatalogInfo, code: str, input: inputs.UpdateRegionInput
    ) -> Region:
        region = await perform(info, handlers.regions.update_region, input.command(code))
        return Region.from_domain(region)

    create_masterplan = _mutation(
        handlers.regions.create_masterplan, inputs.CreateMasterplanInput, Masterplan
    )
    add_program = _mutation(handlers.programs.add_program, inputs.AddProgramInput, Program)
    import_programs = use_case_mutation(
        handlers.programs.import_programs, inputs.ImportProgramsInput, ImportedPrograms,
        repositories="catalog",
        description="A region's sheet of programs: every row is checked before any is stored, "
        "and a program whose name the region already has is skipped.",
    )  # fmt: skip

    @strawberry.mutation
    async def update_program(
        self, info: CatalogInfo, id: strawberry.ID, input: inputs.UpdateProgramInput
    ) -> Program:
        program = await perform(info, handlers.programs.update_program, input.command(str(id)))
        return Program.from_domain(program)

    report_progress = _mutation(
        handlers.programs.report_progress, inputs.ReportProgressInput, Program
    )
    propose_quick_win = _mutation(
        handlers.quick_wins.propose_quick_win, inputs.ProposeQuickWinInput, QuickWin
    )
    decide_quick_win = _mutation(
        handlers.quick_wins.decide_quick_win, inputs.DecideQuickWinInput, QuickWin
    )
    create_evaluation_cycle = _mutation(
        handlers.cycles.create_evaluation_cycle, inputs.CreateEvaluationCycleInput, EvaluationCycle
    )

    @strawberry.mutation
    async def close_evaluation_cycle(self, info: CatalogInfo, id: strawberry.ID) -> EvaluationCycle:
        command = commands.CloseEvaluationCycle(str(id))
        cycle = await perform(info, handlers.cycles.close_evaluation_cycle, command)
        return EvaluationCycle.from_domain(cycle)


schema = SubgraphSchema(query=Query, mutation=Mutation, types=[Region, Program, EvaluationCycle])
