"""A region's sheet of programs through `importPrograms`: checked whole, stored only when
every row is sound, and a sheet sent again adds nothing twice."""

from typing import Any

from services.kernel.auth import Role
from tests.support import graphql, token

from .test_api import ADMIN, CREATE_MASTERPLAN, CREATE_REGION, DELI_OPERATOR, masterplan, region

IMPORT = """mutation($i: ImportProgramsInput!) { importPrograms(input: $i) {
  added skipped stored } }"""
PROGRAMS = '{ region(code: "12.07") { programs(first: 500) { name subDimension } } }'


def row(name: str, **changed: Any) -> dict[str, Any]:
    return {"name": name, "dimension": "environment", "subDimension": "waste", "agency": "DLH",
            "startYear": 2019, "targetYear": 2024, **changed}  # fmt: skip


async def masterplan_of_deli(client) -> str:
    await graphql(client, CREATE_REGION, {"i": region("12.07")}, bearer=ADMIN)
    plan = await graphql(client, CREATE_MASTERPLAN, {"i": masterplan("12.07")}, bearer=ADMIN)
    return str(plan["data"]["createMasterplan"]["id"])


async def names(client) -> list[str]:
    found = await graphql(client, PROGRAMS, bearer=ADMIN)
    return sorted(p["name"] for p in found["data"]["region"]["programs"])


async def test_a_sheet_with_any_problem_stores_nothing_and_names_each_row_and_field(client):
    plan = await masterplan_of_deli(client)
    rows = [row("Bank Sampah"), row("Salah", subDimension="traffic"), row("Bank Sampah"),
            row("Terbalik", startYear=2024, targetYear=2019)]  # fmt: skip
    refused = await graphql(client, IMPORT, {"i": {"masterplanId": plan, "programs": rows}},
                            bearer=DELI_OPERATOR)  # fmt: skip
    problems = refused["errors"][0]["extensions"]["problems"]
    assert [p["field"] for p in problems] == [
        "input.programs[1].subDimension", "input.programs[2].name",
        "input.programs[3].targetYear",
    ]  # fmt: skip
    assert "row 1" in problems[1]["message"]
    assert await names(client) == []


async def test_a_dry_run_stores_nothing_and_a_sheet_sent_twice_adds_its_programs_once(client):
    plan = await masterplan_of_deli(client)
    sheet = {"masterplanId": plan, "programs": [row("Bank Sampah"), row("Taman Kota")]}
    dry = await graphql(client, IMPORT, {"i": sheet | {"dryRun": True}}, bearer=DELI_OPERATOR)
    assert dry["data"]["importPrograms"] == {"added": 2, "skipped": 0, "stored": False}
    assert await names(client) == []
    first = await graphql(client, IMPORT, {"i": sheet}, bearer=DELI_OPERATOR)
    again = await graphql(client, IMPORT, {"i": sheet}, bearer=DELI_OPERATOR)
    assert first["data"]["importPrograms"] == {"added": 2, "skipped": 0, "stored": True}
    assert again["data"]["importPrograms"] == {"added": 0, "skipped": 2, "stored": True}
    assert await names(client) == ["Bank Sampah", "Taman Kota"]


async def test_only_the_regions_own_operator_imports_into_its_masterplan(client):
    plan = await masterplan_of_deli(client)
    sheet = {"masterplanId": plan, "programs": [row("Bank Sampah")]}
    other = await graphql(client, IMPORT, {"i": sheet},
                          bearer=token(Role.REGION_OPERATOR, region="63.03"))  # fmt: skip
    assert other["errors"][0]["extensions"] == {"code": "FORBIDDEN", "field": "input.masterplanId"}
    assert await names(client) == []
