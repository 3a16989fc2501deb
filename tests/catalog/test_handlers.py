import datetime as dt

import pytest

from services.catalog import commands, domain, handlers
from services.catalog.repository import Page
from services.contracts.events import catalog as ev
from services.kernel import errors
from services.kernel.auth import ANONYMOUS, Principal, Role
from tests.catalog.fakes import all_events, fake_catalog

ADMIN = Principal("admin-1", Role.ADMIN)
DELI_OPERATOR = Principal("op-1", Role.REGION_OPERATOR, region="12.07")
BANJAR_OPERATOR = Principal("op-2", Role.REGION_OPERATOR, region="63.03")
MINISTRY = Principal("min-1", Role.MINISTRY)


def deli_serdang() -> commands.CreateRegion:
    return commands.CreateRegion(
        code="12.07",
        name="Kabupaten Deli Serdang",
        kind=domain.RegionKind.KABUPATEN,
        province="Sumatera Utara",
        cohort="regular_2017_2019",
    )


async def catalog_with_a_program():
    catalog = fake_catalog()
    await handlers.regions.create_region(deli_serdang(), ADMIN, catalog)
    plan = await handlers.regions.create_masterplan(
        commands.CreateMasterplan("12.07", 2018, 2025, "Masterplan"), DELI_OPERATOR, catalog
    )
    program = await handlers.programs.add_program(
        commands.AddProgram(
            masterplan_id=plan.id,
            name="Jumpa Madu",
            dimension="environment",
            sub_dimension="waste",
            agency="DLH",
            start_year=2018,
            target_year=2025,
        ),
        DELI_OPERATOR,
        catalog,
    )
    return catalog, program


async def test_an_admin_registers_a_region_and_its_event_is_recorded():
    catalog = fake_catalog()
    await handlers.regions.create_region(deli_serdang(), ADMIN, catalog)
    assert [type(e) for e in all_events(catalog)] == [ev.RegionRegistered]


@pytest.mark.parametrize("caller", [DELI_OPERATOR, MINISTRY])
async def test_only_an_admin_registers_regions(caller):
    catalog = fake_catalog()
    with pytest.raises(errors.Forbidden):
        await handlers.regions.create_region(deli_serdang(), caller, catalog)
    assert all_events(catalog) == []


async def test_an_anonymous_caller_is_asked_to_authenticate():
    with pytest.raises(errors.Unauthenticated):
        await handlers.regions.create_region(deli_serdang(), ANONYMOUS, fake_catalog())


async def test_a_region_operator_adds_programs_to_its_own_region_only():
    catalog, program = await catalog_with_a_program()
    with pytest.raises(errors.Forbidden) as raised:
        await handlers.programs.add_program(
            commands.AddProgram(
                masterplan_id=program.masterplan_id,
                name="Other",
                dimension="economy",
                sub_dimension="welfare",
                agency="X",
                start_year=2020,
                target_year=2021,
            ),
            BANJAR_OPERATOR,
            catalog,
        )
    assert raised.value.field == "masterplanId"


async def test_a_masterplan_for_a_region_that_does_not_exist_is_not_found():
    catalog = fake_catalog()
    with pytest.raises(errors.NotFound) as raised:
        await handlers.regions.create_masterplan(
            commands.CreateMasterplan("99.99", 2018, 2025, "Masterplan"), ADMIN, catalog
        )
    assert raised.value.field == "regionCode"
    assert all_events(catalog) == []


async def test_reporting_progress_updates_the_program_and_records_the_report():
    catalog, program = await catalog_with_a_program()
    updated = await handlers.programs.report_progress(
        commands.ReportProgress(
            program.id, domain.ProgressStage.PLANNING, 60, dt.date(2024, 10, 1)
        ),
        DELI_OPERATOR,
        catalog,
        today=lambda: dt.date(2024, 12, 1),
    )
    stored = await catalog.programs.get(program.id)
    assert (updated.planning_percent, stored.planning_percent) == (60, 60)
    assert stored.progress_reports[0].reported_by == "op-1"
    assert isinstance(all_events(catalog)[-1], ev.ProgressReported)


async def test_progress_above_100_percent_stores_and_records_nothing():
    catalog, program = await catalog_with_a_program()
    before = list(all_events(catalog))
    with pytest.raises(errors.InvalidInput):
        await handlers.programs.report_progress(
            commands.ReportProgress(
                program.id, domain.ProgressStage.PLANNING, 120, dt.date(2024, 1, 1)
            ),
            DELI_OPERATOR,
            catalog,
        )
    assert (await catalog.programs.get(program.id)).progress_reports == []
    assert all_events(catalog) == before


async def test_the_same_program_is_proposed_once_per_year():
    catalog, program = await catalog_with_a_program()
    await handlers.quick_wins.propose_quick_win(
        commands.ProposeQuickWin(program.id, 2024), DELI_OPERATOR, catalog
    )
    with pytest.raises(errors.Conflict):
        await handlers.quick_wins.propose_quick_win(
            commands.ProposeQuickWin(program.id, 2024), DELI_OPERATOR, catalog
        )


async def test_an_admin_decides_a_quick_win_and_a_region_operator_cannot():
    catalog, program = await catalog_with_a_program()
    proposal = await handlers.quick_wins.propose_quick_win(
        commands.ProposeQuickWin(program.id, 2024), DELI_OPERATOR, catalog
    )
    decision = commands.DecideQuickWin(proposal.id, domain.QuickWinStatus.SELECTED)
    with pytest.raises(errors.Forbidden):
        await handlers.quick_wins.decide_quick_win(decision, DELI_OPERATOR, catalog)
    decided = await handlers.quick_wins.decide_quick_win(decision, ADMIN, catalog)
    assert decided.status is domain.QuickWinStatus.SELECTED
    assert isinstance(all_events(catalog)[-1], ev.QuickWinDecided)


async def test_a_cycle_naming_an_unknown_region_is_not_found_at_that_region():
    catalog = fake_catalog()
    await handlers.regions.create_region(deli_serdang(), ADMIN, catalog)
    with pytest.raises(errors.NotFound) as raised:
        await handlers.cycles.create_evaluation_cycle(
            commands.CreateEvaluationCycle(
                2023,
                domain.CycleStage.TAHAP_2,
                "regular_2017_2019",
                dt.date(2023, 10, 1),
                dt.date(2023, 11, 30),
                ("12.07", "99.01"),
            ),
            ADMIN,
            catalog,
        )
    assert raised.value.field == "regionCodes[1]"
    assert await catalog.cycles.list(None, Page()) == []


async def test_only_an_admin_opens_and_closes_cycles():
    catalog = fake_catalog()
    await handlers.regions.create_region(deli_serdang(), ADMIN, catalog)
    command = commands.CreateEvaluationCycle(
        2023,
        domain.CycleStage.TAHAP_2,
        "regular_2017_2019",
        dt.date(2023, 10, 1),
        dt.date(2023, 11, 30),
        ("12.07",),
    )
    with pytest.raises(errors.Forbidden):
        await handlers.cycles.create_evaluation_cycle(command, MINISTRY, catalog)
    cycle = await handlers.cycles.create_evaluation_cycle(command, ADMIN, catalog)
    closed = await handlers.cycles.close_evaluation_cycle(
        commands.CloseEvaluationCycle(cycle.id), ADMIN, catalog
    )
    assert closed.status is domain.CycleStatus.CLOSED
    assert [type(e) for e in all_events(catalog)][-2:] == [ev.CycleOpened, ev.CycleClosed]


async def test_a_region_operator_may_not_move_its_region_to_another_cohort():
    catalog = fake_catalog()
    await handlers.regions.create_region(deli_serdang(), ADMIN, catalog)
    with pytest.raises(errors.Forbidden):
        await handlers.regions.update_region(
            commands.Update("12.07", {"cohort": "kppn_ikn_2021"}), DELI_OPERATOR, catalog
        )
    updated = await handlers.regions.update_region(
        commands.Update("12.07", {"vision": "Deli Serdang maju"}), DELI_OPERATOR, catalog
    )
    assert updated.vision == "Deli Serdang maju"
