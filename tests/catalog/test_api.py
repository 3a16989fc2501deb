"""The catalog over HTTP with its real storage code (mongomock) and a recording publisher."""

import asyncio
from typing import Any

from services.catalog.app import create_app
from services.contracts.events.catalog import ProgressReported, RegionRegistered
from services.kernel.auth import Role
from tests.contracts import check_event
from tests.in_process import runtime_of
from tests.support import graphql, running, through_gateway, token

ADMIN = token(Role.ADMIN)
DELI_OPERATOR = token(Role.REGION_OPERATOR, region="12.07")

CREATE_REGION = "mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }"
CREATE_MASTERPLAN = "mutation($i: CreateMasterplanInput!) { createMasterplan(input: $i) { id } }"
ADD_PROGRAM = "mutation($i: AddProgramInput!) { addProgram(input: $i) { id } }"
REPORT_PROGRESS = (
    "mutation($i: ReportProgressInput!) { reportProgress(input: $i) { planningPercent } }"
)


def region(code: str, province: str = "Sumatera Utara") -> dict[str, Any]:
    return {"code": code, "name": f"Region {code}", "kind": "KABUPATEN", "province": province,
            "cohort": "regular_2017_2019"}  # fmt: skip


def masterplan(code: str) -> dict[str, Any]:
    return {"regionCode": code, "periodStart": 2018, "periodEnd": 2025, "title": "Masterplan"}


class Recorder:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    async def __call__(self, cloud_event: dict[str, Any]) -> None:
        check_event(cloud_event)  # every event a test makes a service publish keeps the contract
        self.events.append(cloud_event)

    def types(self) -> list[str]:
        return [e["type"] for e in self.events]

    def events_of(self, event_type: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["type"] == event_type]


async def settled(relay_wait: float = 0.3) -> None:
    await asyncio.sleep(relay_wait)


async def a_program(client) -> str:
    await graphql(client, CREATE_REGION, {"i": region("12.07")}, bearer=ADMIN)
    plan = await graphql(
        client, CREATE_MASTERPLAN,
        {"i": masterplan("12.07")},
        bearer=ADMIN,
    )  # fmt: skip
    program = {
        "masterplanId": plan["data"]["createMasterplan"]["id"], "name": "Jumpa Madu",
        "dimension": "environment", "subDimension": "waste", "agency": "DLH",
        "startYear": 2018, "targetYear": 2025,
    }  # fmt: skip
    added = await graphql(client, ADD_PROGRAM, {"i": program}, bearer=ADMIN)
    program_id: str = added["data"]["addProgram"]["id"]
    return program_id


async def test_a_registered_region_is_readable_and_its_event_published(client, published):
    created = await graphql(client, CREATE_REGION, {"i": region("12.07")}, bearer=ADMIN)
    assert created == {"data": {"createRegion": {"code": "12.07"}}}
    await settled()
    (event,) = published.events
    assert (event["type"], event["subject"], event["data"]["code"]) == (
        RegionRegistered.event_type(), "12.07", "12.07",
    )  # fmt: skip


async def test_a_duplicate_region_is_a_conflict_and_publishes_nothing_more(client, published):
    await graphql(client, CREATE_REGION, {"i": region("12.07")}, bearer=ADMIN)
    again = await graphql(client, CREATE_REGION, {"i": region("12.07")}, bearer=ADMIN)
    assert again["errors"][0]["extensions"] == {"code": "CONFLICT", "field": "input.code"}
    await settled()
    assert published.types() == [RegionRegistered.event_type()]


async def test_progress_of_120_percent_is_refused_and_nothing_is_stored(client, published):
    program_id = await a_program(client)
    refused = await graphql(
        client, REPORT_PROGRESS,
        {"i": {"programId": program_id, "stage": "PLANNING", "percent": 120,
               "reportedOn": "2024-01-10"}},
        bearer=ADMIN,
    )  # fmt: skip
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert refused["errors"][0]["extensions"]["field"] == "input.percent"
    stored = await graphql(
        client,
        "query($id: ID!) { program(id: $id) { progressReports { id } } }",
        {"id": program_id},
    )
    assert stored == {"data": {"program": {"progressReports": []}}}
    await settled()
    assert ProgressReported.event_type() not in published.types()


async def test_a_program_for_an_unknown_masterplan_is_not_found(client, published):
    program = {
        "masterplanId": "nope", "name": "X", "dimension": "economy", "subDimension": "welfare",
        "agency": "DLH", "startYear": 2018, "targetYear": 2025,
    }  # fmt: skip
    missing = await graphql(client, ADD_PROGRAM, {"i": program}, bearer=ADMIN)
    assert missing["errors"][0]["extensions"] == {
        "code": "NOT_FOUND",
        "field": "input.masterplanId",
    }
    await settled()
    assert published.events == []


async def test_an_operator_of_another_region_is_forbidden(client):
    await graphql(client, CREATE_REGION, {"i": region("63.03")}, bearer=ADMIN)
    plan = await graphql(
        client, CREATE_MASTERPLAN,
        {"i": masterplan("63.03")},
        bearer=DELI_OPERATOR,
    )  # fmt: skip
    assert plan["errors"][0]["extensions"] == {"code": "FORBIDDEN", "field": "input.regionCode"}


async def test_regions_filter_by_province_and_page_by_code(client):
    for code, province in [("12.07", "Sumatera Utara"), ("12.71", "Sumatera Utara"),
                           ("16.06", "Sumatera Selatan"), ("12.12", "Sumatera Utara")]:  # fmt: skip
        await graphql(client, CREATE_REGION, {"i": region(code, province)}, bearer=ADMIN)
    first = await graphql(client, '{ regions(province: "Sumatera Utara", first: 2) { code } }')
    rest = await graphql(
        client, '{ regions(province: "Sumatera Utara", first: 2, after: "12.12") { code } }'
    )
    assert first == {"data": {"regions": [{"code": "12.07"}, {"code": "12.12"}]}}
    assert rest == {"data": {"regions": [{"code": "12.71"}]}}


async def test_programs_filter_by_dimension_and_year(client):
    program_id = await a_program(client)
    found = await graphql(client, '{ programs(dimension: "environment", year: 2020) { id } }')
    none = await graphql(client, '{ programs(dimension: "environment", year: 2030) { id } }')
    by_province = await graphql(client, '{ programs(province: "Sumatera Utara") { id } }')
    assert found == {"data": {"programs": [{"id": program_id}]}}
    assert none == {"data": {"programs": []}}
    assert by_province == found


async def test_a_forged_token_is_refused_with_401(client):
    forged = token(Role.ADMIN)[:-4] + "AAAA"
    response = await client.post(
        "/graphql",
        json={"query": "{ regions { code } }"},
        headers={"Authorization": f"Bearer {forged}"},
    )
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}


async def test_queries_work_over_get(client):
    response = await client.get(
        "/graphql", params={"query": "{ dimensions { key } }"}, headers=through_gateway()
    )
    assert response.status_code == 200
    assert len(response.json()["data"]["dimensions"]) == 6


async def test_health_readiness_and_metrics_answer(client):
    assert (await client.get("/healthz")).json() == {"status": "alive", "service": "catalog"}
    assert (await client.get("/readyz")).json() == {"status": "ready", "checks": {"mongodb": "ok"}}
    await client.post("/graphql", json={"query": "{ regions { code } }"}, headers=through_gateway())
    metrics = (await client.get("/metrics")).text
    assert 'smartcity_graphql_requests_total{status="200"}' in metrics


async def test_a_masterplan_for_an_unknown_region_code_is_not_found(client, published):
    missing = await graphql(client, CREATE_MASTERPLAN, {"i": masterplan("99.99")}, bearer=ADMIN)
    assert missing["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": "input.regionCode"}
    await settled()
    assert published.events == []


async def test_concurrent_progress_reports_on_one_program_are_all_kept(client, published):
    program_id = await a_program(client)
    reports = [
        graphql(
            client,
            REPORT_PROGRESS,
            {
                "i": {
                    "programId": program_id,
                    "stage": "PLANNING",
                    "percent": 10 * n,
                    "reportedOn": f"2024-0{n}-01",
                }
            },
            bearer=DELI_OPERATOR,
        )
        for n in range(1, 6)
    ]
    results = await asyncio.gather(*reports)
    assert all("errors" not in r for r in results)
    stored = await graphql(
        client,
        "query($id: ID!) { program(id: $id) { planningPercent progressReports { percent } } }",
        {"id": program_id},
    )
    program = stored["data"]["program"]
    assert sorted(r["percent"] for r in program["progressReports"]) == [10, 20, 30, 40, 50]
    assert program["planningPercent"] == 50
    await settled()
    assert published.types().count(ProgressReported.event_type()) == 5


async def test_an_unknown_dimension_filter_is_bad_input_not_an_empty_list(client):
    result = await graphql(client, '{ programs(dimension: "smart_food") { id } }')
    assert result["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "dimension"}


async def test_a_page_larger_than_500_is_bad_input(client):
    result = await graphql(client, "{ regions(first: 501) { code } }")
    assert result["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}


async def test_an_unknown_dimension_filter_under_a_region_is_bad_input(client):
    await graphql(client, CREATE_REGION, {"i": region("12.07")}, bearer=ADMIN)
    result = await graphql(client, '{ region(code: "12.07") { programs(dimension: "x") { id } } }')
    assert result["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "dimension"}


async def test_a_value_outside_an_enum_is_bad_input_and_stores_nothing(client):
    wrong = region("12.07") | {"kind": "PROVINSI"}
    result = await graphql(client, CREATE_REGION, {"i": wrong}, bearer=ADMIN)
    assert result["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "variables.i.kind",
    }
    assert "PROVINSI" in result["errors"][0]["message"]
    assert await graphql(client, "{ regions { code } }") == {"data": {"regions": []}}


async def test_a_program_stored_with_more_reports_than_one_keeps_now_shows_its_latest(settings):
    app = create_app(settings, publish=Recorder())
    async with running(app) as client:
        program_id = await a_program(client)
        report = {"programId": program_id, "stage": "PLANNING", "percent": 10,
                  "reportedOn": "2024-01-01"}  # fmt: skip
        await graphql(client, REPORT_PROGRESS, {"i": report}, bearer=ADMIN)
        storage = runtime_of(app).storage

        def stored_before_the_limit(programs) -> None:
            [first] = programs.find_one({"_id": program_id})["progress_reports"]
            many = [first | {"percent": float(n % 90)} for n in range(129)] + [
                first | {"percent": 99.0}
            ]
            programs.update_one({"_id": program_id}, {"$set": {"progress_reports": many}})

        await storage.run(stored_before_the_limit, storage.db["programs"])
        shown = await graphql(
            client, "query($id: ID!) { program(id: $id) { progressReports { percent } } }",
            {"id": program_id}, bearer=ADMIN,
        )  # fmt: skip

    reports = shown["data"]["program"]["progressReports"]
    assert (len(reports), reports[-1]["percent"]) == (120, 99.0)
