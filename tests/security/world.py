"""The three services and the gateway in-process over a real nats-server, with a small
evaluation under way: two regions in an open cycle, an assessor assigned to one of them,
an assessor and a citizen campaign there, and a scorecard."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from services.embedded.natsserver import NatsServer
from services.gateway.app import create_app
from services.kernel import auth
from services.kernel.graphql_client import GraphQLClient, GraphQLFailure
from services.registry import SERVICES
from tests.gateway.support import Gateway, Subgraphs, gateway_over, settings
from tests.in_process import runtime_of
from tests.served import served
from tests.support import SECRET, token

REGION = "91.01"  # where the operator, the assessor and the campaigns are
OTHER_REGION = "91.02"
COHORT = "security_matrix"
ASSIGNED, UNASSIGNED = "assessor-in", "assessor-out"
EVALUATION = "smartcity-evaluation-2023"
CITIZEN_IMPACT = "citizen-impact-2023"
PUBLIC_SATISFACTION = "ikm-permenpanrb-14-2017"  # asked per public service
SUBGRAPHS = ("catalog", "survey", "scoring")
# what each service's mutations write (its consumers write elsewhere)
WRITTEN_BY_MUTATIONS = {
    "catalog": ("regions", "masterplans", "programs", "quick_wins", "evaluation_cycles"),
    "survey": ("instruments", "campaigns", "responses", "assessor_scores", "assignments",
               "findings"),
    "scoring": ("rulesets", "active_ruleset", "ruleset_audit"),
    "gateway": (),
}  # fmt: skip


def region(code: str) -> dict[str, Any]:
    return {"code": code, "name": f"Kota Uji {code}", "kind": "KOTA",
            "province": "Uji", "cohort": COHORT}  # fmt: skip


@dataclass
class World:
    gateway: Gateway
    apps: dict[str, Starlette]
    direct: dict[str, httpx.AsyncClient]
    admin: GraphQLClient
    nats: NatsServer
    cycle_id: str = ""
    masterplan_id: str = ""
    program_id: str = ""
    assessor_campaign: str = ""
    citizen_campaign: str = ""
    sub_dimension: str = ""
    citizen_questions: list[str] = field(default_factory=list)
    ruleset_text: str = ""
    serial: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    years: itertools.count[int] = field(default_factory=lambda: itertools.count(2024))
    origin: str = ""  # where the gateway answers

    def fresh(self) -> int:
        return next(self.serial)

    def next_year(self) -> int:
        """A year no cycle of the cohort has yet."""
        return next(self.years)

    async def respondents(self, count: int) -> list[str]:
        """One-time tokens of citizens of the region's citizen campaign."""
        wanted = {"campaignId": self.citizen_campaign, "count": count,
                  "subDimension": self.sub_dimension}  # fmt: skip
        issued = await self.admin(
            "mutation($i: IssueRespondentTokensInput!) { issueRespondentTokens(input: $i) }",
            {"i": wanted},
        )
        tokens: list[str] = issued["issueRespondentTokens"]
        return tokens

    async def respondent(self) -> str:
        return (await self.respondents(1))[0]

    async def stored(self, subgraph: str) -> dict[str, list[dict[str, Any]]]:
        """What the service's mutations have stored, less the events still to publish."""
        if subgraph not in self.apps:
            return {}
        storage = runtime_of(self.apps[subgraph]).storage
        assert storage is not None, f"{subgraph} is not started"

        def read() -> dict[str, list[dict[str, Any]]]:
            return {
                name: [
                    {k: v for k, v in doc.items() if k != "outbox"}
                    for doc in storage.db[name].find({}, sort=[("_id", 1)])
                ]
                for name in WRITTEN_BY_MUTATIONS[subgraph]
            }

        found: dict[str, list[dict[str, Any]]] = await storage.run(read)
        return found

    def citizen_answers(self) -> list[dict[str, Any]]:
        return [{"questionCode": code, "score": 3} for code in self.citizen_questions]


async def until_known(call: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    """Retries while a service has not yet learnt, from the stream, what another created."""
    for _ in range(200):
        try:
            return await call()
        except GraphQLFailure as failure:
            if failure.code != "NOT_FOUND":
                raise
        await asyncio.sleep(0.05)
    return await call()


async def _build(world: World) -> None:
    admin = world.admin
    for code in (REGION, OTHER_REGION):
        await admin("mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }",
                    {"i": region(code)})  # fmt: skip
    plan = await admin(
        "mutation($i: CreateMasterplanInput!) { createMasterplan(input: $i) { id } }",
        {"i": {"regionCode": REGION, "periodStart": 2020, "periodEnd": 2030,
               "title": "Masterplan Uji", "legalBasis": "Peraturan Wali Kota"}},
    )  # fmt: skip
    world.masterplan_id = plan["createMasterplan"]["id"]
    world.program_id = await add_program(world)
    world.cycle_id = await open_cycle(world, [REGION, OTHER_REGION])
    for assessor in (ASSIGNED, UNASSIGNED):
        await admin(
            "mutation($i: RegisterAssessorInput!) { registerAssessor(input: $i) { id } }",
            {"i": {"id": assessor, "name": f"Assessor {assessor}", "institution": "UI"}},
        )
    assignment = {"regionCode": REGION, "cycleId": world.cycle_id, "assessors": [ASSIGNED]}
    await until_known(
        lambda: admin(
            "mutation($i: AssignAssessorsInput!) { assignAssessors(input: $i) { assessors } }",
            {"i": assignment},
        )
    )
    world.assessor_campaign = await open_campaign(world, "ASSESSOR", EVALUATION)
    world.citizen_campaign = await open_campaign(world, "CITIZEN", CITIZEN_IMPACT)
    questions = await admin(
        "query($k: String!) { instrument(key: $k) { sections { questions { code subDimension } } } }",
        {"k": CITIZEN_IMPACT},
    )
    by_sub = [q for s in questions["instrument"]["sections"] for q in s["questions"]]
    world.sub_dimension = by_sub[0]["subDimension"]
    world.citizen_questions = [
        q["code"] for q in by_sub if q["subDimension"] == world.sub_dimension
    ]
    scored = admin.as_(auth.mint(SECRET, auth.Role.ASSESSOR, subject=ASSIGNED))
    await scored(
        "mutation($i: ScoreAnswerInput!) { scoreAnswer(input: $i) { revision } }",
        {"i": {"campaignId": world.assessor_campaign, "questionCode": "A.1.1.1", "score": 3}},
    )
    rulesets = await admin("{ ruleSets { id text } }")
    world.ruleset_text = rulesets["ruleSets"][-1]["text"]
    await _until_scored(world)


async def _until_scored(world: World) -> None:
    """Until the region's scorecard counts the assessor's score: a first scorecard may be
    computed before the score reaches scoring."""
    query = """query($r: String!, $c: String!) { scorecard(regionCode: $r, cycleId: $c) {
      counted { assessorScores } } }"""
    for _ in range(400):
        found = await world.admin(query, {"r": REGION, "c": world.cycle_id})
        if (found["scorecard"] or {}).get("counted", {}).get("assessorScores"):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the region was never scored on the assessor's score")


async def add_program(world: World) -> str:
    program = {"masterplanId": world.masterplan_id, "name": f"Program Uji {world.fresh()}",
               "dimension": "governance", "subDimension": "public_service",
               "agency": "Diskominfo", "startYear": 2024, "targetYear": 2026}  # fmt: skip
    added = await world.admin(
        "mutation($i: AddProgramInput!) { addProgram(input: $i) { id } }", {"i": program}
    )
    program_id: str = added["addProgram"]["id"]
    return program_id


async def open_cycle(world: World, regions: list[str]) -> str:
    today = dt.date.today()
    cycle = {"year": world.next_year(), "stage": "TAHAP_2", "cohort": COHORT, "opensOn": today.isoformat(),
             "closesOn": (today + dt.timedelta(days=30)).isoformat(), "regionCodes": regions}  # fmt: skip
    opened = await world.admin(
        "mutation($i: CreateEvaluationCycleInput!) { createEvaluationCycle(input: $i) { id } }",
        {"i": cycle},
    )
    cycle_id: str = opened["createEvaluationCycle"]["id"]
    return cycle_id


def campaign_input(world: World, audience: str, instrument: str) -> dict[str, Any]:
    return {"instrumentKey": instrument, "instrumentVersion": 1, "regionCode": REGION,
            "cycleId": world.cycle_id, "audience": audience}  # fmt: skip


async def open_campaign(world: World, audience: str, instrument: str, service: str = "") -> str:
    # citizens enough for every respondent the tests make: an admin's quota
    wanted = campaign_input(world, audience, instrument) | {"quotaPerSubDimension": 1_000}
    opened = await until_known(
        lambda: world.admin(
            "mutation($i: OpenCampaignInput!) { openCampaign(input: $i) { id } }",
            {"i": wanted | {"service": service}},
        )
    )
    campaign_id: str = opened["openCampaign"]["id"]
    return campaign_id


@contextlib.asynccontextmanager
async def running_world(tmp_path: Path, *, over_loopback: bool = False) -> AsyncIterator[World]:
    """The world in-process; `over_loopback` serves the subgraphs and the gateway with
    uvicorn on loopback ports instead (real HTTP, which streams), the gateway's origin
    then in `world.origin`."""
    server = NatsServer(store_dir=tmp_path / "jetstream").start()
    try:
        config = settings(
            tmp_path, MONGODB_URI="mongomock://localhost", NATS_URL=server.url,
            SMARTCITY_RULE_WORKERS="1",
        )  # fmt: skip
        apps = {name: SERVICES[name].create_app(config) for name in SUBGRAPHS}
        async with contextlib.AsyncExitStack() as stack:
            for app in apps.values():
                await stack.enter_async_context(app.router.lifespan_context(app))
            direct = {
                name: await stack.enter_async_context(
                    httpx.AsyncClient(
                        transport=httpx.ASGITransport(app=app), base_url=f"http://{name}"
                    )
                )
                for name, app in apps.items()
            }
            if over_loopback:
                gateway = await stack.enter_async_context(_gateway_over_loopback(apps, config))
            else:
                gateway = await stack.enter_async_context(gateway_over(apps, config))
            admin = GraphQLClient(gateway.client, "/graphql", token(auth.Role.ADMIN))
            world = World(gateway, apps, direct, admin, server)
            world.origin = str(gateway.client.base_url).rstrip("/")
            await _build(world)
            yield world
    finally:
        server.stop()


@contextlib.asynccontextmanager
async def _gateway_over_loopback(apps: dict[str, Starlette], config: Any) -> AsyncIterator[Gateway]:
    async with contextlib.AsyncExitStack() as stack:
        servers = {name: await stack.enter_async_context(served(app)) for name, app in apps.items()}
        app = create_app(config, subgraphs={name: s.url for name, s in servers.items()})
        await stack.enter_async_context(app.router.lifespan_context(app))
        at = await stack.enter_async_context(served(app))
        client = await stack.enter_async_context(httpx.AsyncClient(base_url=at.origin))
        yield Gateway(client, Subgraphs({}), app)
