"""Loads the demo regions, masterplans, programs and quick wins through the GraphQL API."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from services.kernel.graphql_client import GraphQLClient

REGION = "query($code: String!) { region(code: $code) { code } }"
CREATE_REGION = "mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }"
CREATE_MASTERPLAN = "mutation($i: CreateMasterplanInput!) { createMasterplan(input: $i) { id } }"
ADD_PROGRAM = "mutation($i: AddProgramInput!) { addProgram(input: $i) { id } }"
REPORT_PROGRESS = "mutation($i: ReportProgressInput!) { reportProgress(input: $i) { id } }"
PROPOSE = "mutation($i: ProposeQuickWinInput!) { proposeQuickWin(input: $i) { id } }"
DECIDE = "mutation($i: DecideQuickWinInput!) { decideQuickWin(input: $i) { id } }"

PROGRAM_FIELDS = (
    "name", "longName", "shortName", "description", "dimension", "subDimension", "agency",
    "phase", "fundingSources",
)  # fmt: skip


@dataclass
class SeedReport:
    regions: int = 0
    programs: int = 0
    skipped_regions: int = 0


def demo_data() -> dict[str, Any]:
    text = resources.files("services.demo").joinpath("demo_data.yaml").read_text()
    data: dict[str, Any] = yaml.safe_load(text)
    return data


async def seed(api: GraphQLClient) -> SeedReport:
    """Creates each demo region with its programs, as an admin through the catalog or gateway.

    Regions already present are left alone.
    """
    report = SeedReport()
    for region in demo_data()["regions"]:
        if (await api(REGION, {"code": region["code"]}))["region"]:
            report.skipped_regions += 1
            continue
        fields = {k: v for k, v in region.items() if k not in ("masterplan", "programs")}
        await api(CREATE_REGION, {"i": fields})
        plan = await api(
            CREATE_MASTERPLAN, {"i": {"regionCode": region["code"], **region["masterplan"]}}
        )
        masterplan_id = plan["createMasterplan"]["id"]
        start = region["masterplan"]["periodStart"]
        for program in region["programs"]:
            await _add_program(
                api, masterplan_id, start, region["masterplan"]["periodEnd"], program
            )
            report.programs += 1
        report.regions += 1
    return report


async def _add_program(
    api: GraphQLClient, masterplan_id: str, start: int, end: int, program: dict[str, Any]
) -> None:
    values = {k: program[k] for k in PROGRAM_FIELDS if k in program}
    year = program.get("quickWin", start)
    values |= {"masterplanId": masterplan_id, "startYear": year, "targetYear": end}
    program_id = (await api(ADD_PROGRAM, {"i": values}))["addProgram"]["id"]
    for stage in ("planning", "implementation"):
        for day, percent in program.get(stage, ()):
            report = {"programId": program_id, "stage": stage.upper(), "percent": percent}
            await api(REPORT_PROGRESS, {"i": report | {"reportedOn": str(day)}})
    if "quickWin" in program:
        proposal = {"programId": program_id, "year": program["quickWin"]}
        proposed = await api(PROPOSE, {"i": proposal})
        if program.get("selected"):
            decision = {"id": proposed["proposeQuickWin"]["id"], "decision": "SELECTED"}
            await api(DECIDE, {"i": decision})
