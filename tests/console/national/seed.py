"""A national year through the gateway: every regency and city registered, a published 2022
imported, and a computed 2024 scored by assessors on a short instrument.

The 2023 instrument's 117 questions by five assessors make 300,000 scores for 514 regions:
minutes of the whole pipeline. Twelve questions, two for each evaluation dimension, by one
assessor, go through the same mutations, events and rules at a fiftieth of the cost.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from dataclasses import dataclass
from functools import partial
from typing import Any

import httpx

from services.demo.cycle import ASSIGN, OPEN_CAMPAIGN, OPEN_CYCLE, REGISTER, SCORE_ALL, once_known
from services.demo.national import national_regions
from services.kernel import auth
from services.kernel.auth import Role
from services.kernel.graphql_client import GraphQLClient
from tests.e2e.suite import Suite
from tests.support import SECRET

COHORT = "regular_2017_2019"  # the demo regions' cohort: one cycle holds the whole country
WEIGHTS = {"baseline": 10, "output": 20, "outcome": 30, "impact": 20, "quick win": 20}
LETTER = "B-999/DJAI/2022"
SHORT = "evaluasi-ringkas"
ASSESSOR = "asesor-nasional"
PUBLISH = "mutation($i: PublishInstrumentInput!) { publishInstrument(input: $i) { version } }"
RANKED = "query($c: String!) { ranking(cycleId: $c) { counted { assessorScores } } }"
QUESTIONS = 12
AT_ONCE = 8


@dataclass(frozen=True)
class NationalYear:
    published_cycle: str  # 2022, imported as published
    computed_cycle: str  # 2024, scored from the assessors' evidence


def national_year(suite: Suite, sheets: Any) -> NationalYear:
    registered = suite.smartcity("import", "regions", "--national", "--cohort", COHORT)
    assert registered.returncode == 0, registered.stderr
    imported = suite.smartcity("import", "results", str(_published_sheet(sheets)))
    assert imported.returncode == 0, imported.stderr
    published = suite.graphql("{ evaluationCycles(year: 2022) { id } }")["evaluationCycles"]
    computed = asyncio.run(_computed_year(suite.gateway, suite.up.value_of("Admin token:")))
    return NationalYear(published[0]["id"], computed)


def _published_sheet(sheets: Any) -> Any:
    """A published 2022 of every region, with a realistic spread."""
    draw, lines = random.Random(2022), []
    for region in national_regions():
        scores = {d: round(min(4.0, max(0.5, draw.gauss(2.8, 0.6))), 2) for d in WEIGHTS}
        final = sum(scores[d] * w / 100 for d, w in WEIGHTS.items())
        cells = ",".join(f"{scores[d]},{w}" for d, w in WEIGHTS.items())
        lines.append(f"{region.code},2022,{COHORT},{cells},{final:.2f},{LETTER}")
    sheet = sheets.mktemp("national") / "hasil-2022.csv"
    header = ",".join(f"{d},{d} weight" for d in WEIGHTS)
    sheet.write_text(f"region,year,cohort,{header},final,document\n" + "\n".join(lines) + "\n")
    return sheet


def _short_instrument() -> dict[str, Any]:
    smart, sub = ["governance", "branding"], ["bureaucracy", "tourism"]  # as reference.py pairs
    sections = []
    for letter, dimension in zip("ABCDEF", ["BASELINE", "OUTPUT", "OUTCOME", "IMPACT",
                                            "QUICK_WIN", "KOLABORASI"], strict=True):  # fmt: skip
        questions = []
        for n in (1, 2):
            question = {"code": f"{letter}.{n}", "text": f"Pertanyaan {letter}.{n}",
                        "type": "ASSESSOR_SCORE", "evaluationDimension": dimension}  # fmt: skip
            if dimension in ("OUTCOME", "IMPACT", "KOLABORASI"):
                question["smartDimension"] = smart[n - 1]
            if dimension == "IMPACT":
                question["subDimension"] = sub[n - 1]
            questions.append(question)
        sections.append({"code": letter, "title": dimension.title(), "questions": questions})
    return {"key": SHORT, "version": 1, "title": "Evaluasi ringkas", "sections": sections}


async def _computed_year(gateway: str, admin_token: str) -> str:
    async with httpx.AsyncClient(timeout=60) as http:
        admin = GraphQLClient(http, gateway, admin_token)
        assessor = admin.as_(auth.mint(SECRET, Role.ASSESSOR, subject=ASSESSOR))
        await admin(PUBLISH, {"i": _short_instrument()})
        await admin(REGISTER, {"i": {"id": ASSESSOR, "name": "Dr. Wahyu Nugroho",
                                     "institution": "Universitas Airlangga"}})  # fmt: skip
        regions = [r.code for r in national_regions()]
        today = dt.date.today()
        cycle = {"year": 2024, "stage": "TAHAP_2", "cohort": COHORT,
                 "opensOn": today.isoformat(),
                 "closesOn": (today + dt.timedelta(days=60)).isoformat(),
                 "regionCodes": regions}  # fmt: skip
        cycle_id: str = (await admin(OPEN_CYCLE, {"i": cycle}))["createEvaluationCycle"]["id"]
        draw = random.Random(2024)
        quality = {code: min(3.6, max(0.6, draw.gauss(2.4, 0.7))) for code in regions}
        at_once = asyncio.Semaphore(AT_ONCE)

        async def evaluate(code: str) -> None:
            async with at_once:
                assignment = {"regionCode": code, "cycleId": cycle_id, "assessors": [ASSESSOR]}
                await once_known(partial(admin, ASSIGN, {"i": assignment}))
                campaign = {"instrumentKey": SHORT, "instrumentVersion": 1, "regionCode": code,
                            "cycleId": cycle_id, "audience": "ASSESSOR"}  # fmt: skip
                opened = await once_known(partial(admin, OPEN_CAMPAIGN, {"i": campaign}))
                scores = [
                    {"questionCode": f"{letter}.{n}",
                     "score": min(4, max(0, round(draw.gauss(quality[code], 0.6))))}
                    for letter in "ABCDEF" for n in (1, 2)
                ]  # fmt: skip
                sheet = {"campaignId": opened["openCampaign"]["id"], "scores": scores}
                await assessor(SCORE_ALL, {"i": sheet})

        await asyncio.gather(*(evaluate(code) for code in regions))
        await _every_region_scored(admin, cycle_id, len(regions))
        return cycle_id


async def _every_region_scored(admin: GraphQLClient, cycle_id: str, count: int) -> None:
    deadline = asyncio.get_running_loop().time() + 180
    while True:
        ranked = (await admin(RANKED, {"c": cycle_id}))["ranking"]
        if len(ranked) == count and all(
            c["counted"]["assessorScores"] == QUESTIONS for c in ranked
        ):
            return
        assert asyncio.get_running_loop().time() < deadline, f"{len(ranked)} of {count} scored"
        await asyncio.sleep(1)
