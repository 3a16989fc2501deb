import datetime as dt

import pytest

from services.catalog import domain
from services.contracts.events import catalog as ev
from services.kernel import errors

TODAY = dt.date(2024, 12, 1)


def a_program(**overrides: object) -> domain.Program:
    values: dict[str, object] = {
        "id": "p1",
        "masterplan_id": "m1",
        "region_code": "12.07",
        "name": "Jumpa Madu",
        "long_name": "Jemput Sampah Terima Duit",
        "dimension": "environment",
        "sub_dimension": "waste",
        "agency": "Dinas Lingkungan Hidup",
        "start_year": 2018,
        "target_year": 2025,
    }
    return domain.Program.add(**(values | overrides))


def a_region(**overrides: object) -> domain.Region:
    values: dict[str, object] = {
        "code": "12.07",
        "name": "Deli Serdang",
        "kind": domain.RegionKind.KABUPATEN,
        "province": "Sumatera Utara",
        "cohort": "regular_2017_2019",
    }
    return domain.Region.register(**(values | overrides))


def a_cycle(**overrides: object) -> domain.EvaluationCycle:
    values: dict[str, object] = {
        "id": "c",
        "year": 2023,
        "stage": domain.CycleStage.TAHAP_2,
        "cohort": "kppn_ikn",
        "opens_on": dt.date(2023, 10, 1),
        "closes_on": dt.date(2023, 11, 1),
        "region_codes": ("12.07",),
    }
    return domain.EvaluationCycle.open(**(values | overrides))


def a_report(
    percent: float, day: dt.date, stage=domain.ProgressStage.PLANNING
) -> domain.ProgressReport:
    return domain.ProgressReport(
        id=f"r{percent}{day}", stage=stage, percent=percent, reported_on=day
    )


def test_registering_a_region_records_its_registration():
    region = a_region(name="Kabupaten Deli Serdang")
    assert region.events == [
        ev.RegionRegistered(
            code="12.07",
            name="Kabupaten Deli Serdang",
            kind=domain.RegionKind.KABUPATEN,
            province="Sumatera Utara",
            cohort="regular_2017_2019",
            area_km2=None,
            vision="",
        )
    ]


def test_a_region_code_must_be_a_kemendagri_code_and_every_bad_field_is_named():
    with pytest.raises(errors.InvalidInput) as raised:
        domain.Region.register(
            code="1207", name=" ", kind=domain.RegionKind.KOTA, province="X", cohort="Not A Slug"
        )
    assert [p.field for p in raised.value.problems] == ["code", "name", "cohort"]


def test_updating_a_region_records_only_the_fields_that_changed():
    region = a_region()
    region.events.clear()
    region.update({"name": "Kabupaten Deli Serdang", "province": "Sumatera Utara"})
    assert [e.changed for e in region.events] == [("name",)]


def test_an_update_that_changes_nothing_records_no_event():
    region = a_region()
    region.events.clear()
    region.update({"name": "Deli Serdang"})
    assert region.events == []


def test_a_program_with_an_unknown_dimension_is_rejected():
    with pytest.raises(errors.InvalidInput) as raised:
        a_program(dimension="smart_food")
    assert raised.value.field == "dimension"


def test_a_sub_dimension_must_belong_to_the_programs_dimension():
    with pytest.raises(errors.InvalidInput) as raised:
        a_program(dimension="environment", sub_dimension="tourism")
    assert raised.value.field == "subDimension"


def test_each_of_the_eighteen_sub_dimensions_is_accepted_under_its_dimension():
    from services.contracts.reference import DIMENSIONS

    accepted = [
        a_program(dimension=d.key, sub_dimension=s.key).sub_dimension
        for d in DIMENSIONS
        for s in d.sub_dimensions
    ]
    assert len(set(accepted)) == 18


def test_a_target_year_before_the_start_year_is_rejected():
    with pytest.raises(errors.InvalidInput) as raised:
        a_program(start_year=2025, target_year=2020)
    assert raised.value.field == "targetYear"


def test_progress_above_100_percent_is_rejected_and_not_recorded():
    program = a_program()
    with pytest.raises(errors.InvalidInput) as raised:
        program.report_progress(a_report(120, dt.date(2024, 5, 1)), TODAY)
    assert raised.value.field == "percent"
    assert program.progress_reports == []


def test_progress_reported_in_the_future_is_rejected():
    with pytest.raises(errors.InvalidInput) as raised:
        a_program().report_progress(a_report(50, dt.date(2025, 1, 1)), TODAY)
    assert raised.value.field == "reportedOn"


def test_evidence_links_must_be_web_addresses():
    report = domain.ProgressReport(
        id="r",
        stage=domain.ProgressStage.PLANNING,
        percent=10,
        reported_on=dt.date(2024, 1, 1),
        evidence=("https://example.org/a.pdf", "javascript:alert(1)"),
    )
    with pytest.raises(errors.InvalidInput) as raised:
        a_program().report_progress(report, TODAY)
    assert [p.field for p in raised.value.problems] == ["evidence[1]"]


def test_current_progress_is_the_latest_dated_report_of_each_stage():
    program = a_program()
    program.report_progress(a_report(70, dt.date(2024, 9, 30)), TODAY)
    program.report_progress(a_report(40, dt.date(2024, 3, 15)), TODAY)
    program.report_progress(
        a_report(20, dt.date(2024, 10, 1), domain.ProgressStage.IMPLEMENTATION), TODAY
    )
    assert (program.planning_percent, program.implementation_percent) == (70, 20)


def test_a_progress_event_carries_the_derived_current_progress():
    program = a_program()
    program.events.clear()
    program.report_progress(a_report(65, dt.date(2024, 5, 20)), TODAY)
    (event,) = program.events
    assert (event.percent, event.planning_percent, event.reported_on) == (65, 65, "2024-05-20")


def test_a_quick_win_is_decided_once():
    proposal = domain.QuickWin.propose(id="q", region_code="12.07", program_id="p1", year=2024)
    proposal.decide(domain.QuickWinStatus.SELECTED, "", "admin")
    with pytest.raises(errors.Conflict):
        proposal.decide(domain.QuickWinStatus.REJECTED, "late", "admin")


def test_a_rejection_needs_a_reason():
    proposal = domain.QuickWin.propose(id="q", region_code="12.07", program_id="p1", year=2024)
    with pytest.raises(errors.InvalidInput) as raised:
        proposal.decide(domain.QuickWinStatus.REJECTED, " ", "admin")
    assert raised.value.field == "reason"


def test_a_cycle_that_closes_before_it_opens_is_rejected():
    with pytest.raises(errors.InvalidInput) as raised:
        a_cycle(opens_on=dt.date(2023, 10, 1), closes_on=dt.date(2023, 9, 1))
    assert raised.value.field == "closesOn"


def test_closing_a_cycle_twice_is_a_conflict():
    cycle = a_cycle()
    cycle.close()
    with pytest.raises(errors.Conflict):
        cycle.close()
    assert [type(e).__name__ for e in cycle.events] == ["CycleOpened", "CycleClosed"]
