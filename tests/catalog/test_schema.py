import datetime as dt

from services.catalog import domain
from services.catalog.context import make_context
from services.catalog.schema import schema
from services.kernel.auth import ANONYMOUS, Principal, Role
from tests.catalog.fakes import fake_catalog

ADMIN = Principal("admin-1", Role.ADMIN)


def a_region(code: str = "12.07") -> domain.Region:
    return domain.Region(
        code=code,
        name="Kabupaten Deli Serdang",
        kind=domain.RegionKind.KABUPATEN,
        province="Sumatera Utara",
        cohort="regular_2017_2019",
    )


def a_program(number: int) -> domain.Program:
    return domain.Program(
        id=f"p{number:03d}",
        masterplan_id="m1",
        region_code="12.07",
        name=f"Program {number}",
        dimension="environment",
        sub_dimension="waste",
        agency="DLH",
        start_year=2018,
        target_year=2025,
    )


async def run(query, catalog, principal=ANONYMOUS, variables=None):
    return await schema.execute(
        query, variable_values=variables, context_value=make_context(catalog, principal)
    )


async def test_the_sdl_declares_region_program_and_cycle_as_entities():
    result = await run("{ _service { sdl } }", fake_catalog())
    sdl = result.data["_service"]["sdl"]
    assert 'type Region @key(fields: "code")' in sdl
    assert 'type Program @key(fields: "id")' in sdl
    assert 'type EvaluationCycle @key(fields: "id")' in sdl
    assert "federation/v2.9" in sdl


async def test_a_region_is_read_by_its_code():
    catalog = fake_catalog()
    catalog.regions.items["12.07"] = a_region()
    result = await run(
        '{ region(code: "12.07") { code name kind province cohort areaKm2 } }', catalog
    )
    assert result.errors is None
    assert result.data == {
        "region": {
            "code": "12.07",
            "name": "Kabupaten Deli Serdang",
            "kind": "KABUPATEN",
            "province": "Sumatera Utara",
            "cohort": "regular_2017_2019",
            "areaKm2": None,
        }
    }


async def test_an_unknown_region_reads_as_null():
    result = await run('{ region(code: "99.99") { code } }', fake_catalog())
    assert result.data == {"region": None}


async def test_entities_for_100_programs_reach_the_repository_once():
    catalog = fake_catalog()
    for number in range(100):
        program = a_program(number)
        catalog.programs.items[program.id] = program
    representations = [{"__typename": "Program", "id": f"p{n:03d}"} for n in range(100)]
    result = await run(
        "query($r: [_Any!]!) { _entities(representations: $r) { ... on Program { id name } } }",
        catalog,
        variables={"r": representations},
    )
    assert result.errors is None
    assert result.data["_entities"][42] == {"id": "p042", "name": "Program 42"}
    assert len(result.data["_entities"]) == 100
    assert len(catalog.programs.get_many_calls) == 1


async def test_region_entities_resolve_in_order_with_nulls_for_unknown_codes():
    catalog = fake_catalog()
    catalog.regions.items["12.07"] = a_region()
    representations = [
        {"__typename": "Region", "code": "99.01"},
        {"__typename": "Region", "code": "12.07"},
    ]
    result = await run(
        "query($r: [_Any!]!) { _entities(representations: $r) { ... on Region { code } } }",
        catalog,
        variables={"r": representations},
    )
    assert result.data == {"_entities": [None, {"code": "12.07"}]}


async def test_a_bad_mutation_input_names_the_field_and_its_code():
    catalog = fake_catalog()
    catalog.masterplans.items["m1"] = domain.Masterplan(
        id="m1", region_code="12.07", period_start=2018, period_end=2025, title="Masterplan"
    )
    result = await run(
        """mutation { addProgram(input: {masterplanId: "m1", name: "X", dimension: "smart_food",
           subDimension: "waste", agency: "DLH", startYear: 2018, targetYear: 2025}) { id } }""",
        catalog,
        ADMIN,
    )
    (error,) = result.errors
    assert error.extensions["code"] == "BAD_USER_INPUT"
    assert error.extensions["field"] == "input.dimension"
    assert catalog.programs.items == {}


async def test_an_anonymous_mutation_is_unauthenticated():
    result = await run(
        """mutation { createRegion(input: {code: "12.07", name: "X", kind: KOTA, province: "P",
           cohort: "c"}) { code } }""",
        fake_catalog(),
    )
    assert result.errors[0].extensions == {"code": "UNAUTHENTICATED"}


async def test_an_internal_error_is_masked():
    catalog = fake_catalog()

    async def broken(keys):
        raise RuntimeError("database password is hunter2")

    catalog.regions.get_many = broken
    result = await run('{ region(code: "12.07") { code } }', catalog)
    (error,) = result.errors
    assert (error.message, error.extensions) == (
        "Internal server error",
        {"code": "INTERNAL_SERVER_ERROR"},
    )


async def test_a_program_lists_its_progress_history():
    catalog = fake_catalog()
    program = a_program(1)
    program.progress_reports.append(
        domain.ProgressReport(
            id="r1",
            stage=domain.ProgressStage.PLANNING,
            percent=60,
            reported_on=dt.date(2024, 10, 1),
        )
    )
    catalog.programs.items[program.id] = program
    result = await run(
        '{ program(id: "p001") { planningPercent progressReports { stage percent reportedOn } } }',
        catalog,
    )
    assert result.data == {
        "program": {
            "planningPercent": 60.0,
            "progressReports": [{"stage": "PLANNING", "percent": 60.0, "reportedOn": "2024-10-01"}],
        }
    }


async def test_the_dimensions_list_the_eighteen_sub_dimensions():
    result = await run("{ dimensions { key subDimensions { key name } } }", fake_catalog())
    governance = result.data["dimensions"][0]
    assert governance == {
        "key": "governance",
        "subDimensions": [
            {"key": "public_service", "name": "Layanan Publik"},
            {"key": "public_policy", "name": "Kebijakan Publik"},
            {"key": "bureaucracy", "name": "Tata Kelola Birokrasi"},
        ],
    }
    assert sum(len(d["subDimensions"]) for d in result.data["dimensions"]) == 18
