"""The MongoDB repository, run against mongomock: the same storage code as production."""

import pytest

from services.catalog import domain, storage
from services.contracts.events.catalog import RegionRegistered, RegionUpdated
from services.kernel import errors
from services.kernel.docstore import collections_of, ensure_indexes
from services.kernel.mongo import disconnect, open_storage


@pytest.fixture
def catalog(settings):
    connection = open_storage(settings, storage.ALIAS)
    ensure_indexes(storage.DOCUMENTS)
    yield storage.mongo_catalog(connection)
    connection.close()
    disconnect(storage.ALIAS)


def deli_serdang() -> domain.Region:
    return domain.Region.register(
        code="12.07", name="Kabupaten Deli Serdang", kind=domain.RegionKind.KABUPATEN,
        province="Sumatera Utara", cohort="regular_2017_2019",
    )  # fmt: skip


def outbox_of(code: str) -> list[dict]:
    collection = collections_of(storage.DOCUMENTS)[0]
    return collection.find_one({"_id": code})["outbox"]


async def test_a_new_aggregate_is_stored_with_its_events_in_the_same_document(catalog):
    await catalog.regions.add(deli_serdang())
    (pending,) = outbox_of("12.07")
    assert (pending["type"], pending["subject"]) == (
        RegionRegistered.event_type(),
        "12.07",
    )
    stored = await catalog.regions.get("12.07")
    assert (stored.name, stored.version, stored.events) == ("Kabupaten Deli Serdang", 1, [])


async def test_a_save_appends_its_events_to_those_still_pending(catalog):
    await catalog.regions.add(deli_serdang())
    region = await catalog.regions.get("12.07")
    region.update({"vision": "Maju"})
    await catalog.regions.save(region)
    assert [e["type"] for e in outbox_of("12.07")] == [
        RegionRegistered.event_type(),
        RegionUpdated.event_type(),
    ]


async def test_a_save_from_a_stale_copy_is_refused_and_changes_nothing(catalog):
    await catalog.regions.add(deli_serdang())
    first = await catalog.regions.get("12.07")
    second = await catalog.regions.get("12.07")
    first.update({"vision": "first"})
    await catalog.regions.save(first)
    second.update({"vision": "second"})
    with pytest.raises(errors.StaleWrite):
        await catalog.regions.save(second)
    assert (await catalog.regions.get("12.07")).vision == "first"
    assert len(outbox_of("12.07")) == 2


async def test_a_second_proposal_of_a_program_for_the_same_year_is_a_conflict(catalog):
    proposal = dict(region_code="12.07", program_id="p1", year=2024)
    await catalog.quick_wins.add(domain.QuickWin.propose(id="q1", **proposal))
    with pytest.raises(errors.Conflict) as raised:
        await catalog.quick_wins.add(domain.QuickWin.propose(id="q2", **proposal))
    assert raised.value.field == "programId"


async def test_a_program_round_trips_with_its_progress_history(catalog):
    import datetime as dt

    program = domain.Program.add(
        id="p1", masterplan_id="m1", region_code="12.07", name="E-Padi", dimension="economy",
        sub_dimension="industry", agency="Dinas Pertanian", start_year=2024, target_year=2025,
        funding_sources=(domain.FundingSource.APBD,),
    )  # fmt: skip
    report = domain.ProgressReport(
        id="r1", stage=domain.ProgressStage.PLANNING, percent=70, reported_on=dt.date(2024, 9, 30),
        evidence=("https://example.org/e-padi.pdf",),
    )  # fmt: skip
    program.report_progress(report, dt.date(2024, 12, 1))
    await catalog.programs.add(program)
    stored = await catalog.programs.get("p1")
    assert stored.progress_reports == [report]
    assert (stored.planning_percent, stored.funding_sources) == (70, (domain.FundingSource.APBD,))
