"""Loads the demo regions, masterplans, programs and quick wins through the GraphQL API."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import httpx
import yaml

from services.kernel.errors import UserError

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
    text = resources.files("services.catalog").joinpath("demo_data.yaml").read_text()
    data: dict[str, Any] = yaml.safe_load(text)
    return data


class _Api:
    def __init__(self, client: httpx.AsyncClient, url: str, token: str) -> None:
        self.client, self.url = client, url
        self.headers = {"Authorization": f"Bearer {token}"}

    async def __call__(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = await self.client.post(
            self.url, json={"query": query, "variables": variables}, headers=self.headers
        )
        body: dict[str, Any] = response.json()
        if body.get("errors"):
            error = body["errors"][0]
            raise UserError(f"seeding failed: {error['message']} ({error.get('extensions')})")
        data: dict[str, Any] = body["data"]
        return data


async def seed(client: httpx.AsyncClient, url: str, admin_token: str) -> SeedReport:
    """Creates each demo region with its programs; regions already present are left alone."""
    api = _Api(client, url, admin_token)
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
    api: _Api, masterplan_id: str, start: int, end: int, program: dict[str, Any]
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
