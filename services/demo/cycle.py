"""A whole evaluation cycle run through the gateway, as the people of the programme would.

An admin opens a cycle for the demo regions, registers five assessors and assigns them to
each; every assessor scores the whole 2023 instrument in one request and the first writes
the findings;
each region's field app collects the citizens' impact answers on their one-time tokens; then
scoring runs on what the stream carried, and the cycle's scorecards are read back once each
rests on all of that evidence.

The evidence arrives in `bursts`, as it does near a deadline: each burst brings more regions
than the one before (a tenth, two tenths, three, four of four bursts), and halfway through
the season the admin activates the rule set again as a new version, so the whole country is
rescored while the rest of its evidence streams in.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol, TypeVar

from services.contracts.reference import PUBLISHED_STAGE
from services.demo.answers import RegionProfile
from services.demo.national import every_region, national_regions, register_national
from services.demo.seed import demo_data, seed
from services.kernel.auth import Role
from services.kernel.graphql_client import GraphQLClient, GraphQLFailure, aliased
from services.messages import _

T = TypeVar("T")
EVALUATION = "smartcity-evaluation-2023"
CITIZEN_IMPACT = "citizen-impact-2023"
RESPONSES_PER_BATCH = 100

FIRST_YEAR, STAGE = 2023, PUBLISHED_STAGE.name  # as GraphQL names it
CYCLES = """query($cohort: String) {
  evaluationCycles(cohort: $cohort, first: 500) { year stage } }"""
OPEN_CYCLE = "mutation($i: CreateEvaluationCycleInput!) { createEvaluationCycle(input: $i) { id } }"
QUESTIONS = """query($key: String!) { instrument(key: $key) {
  version sections { questions { code subDimension } } } }"""
RULE_SETS = "query { ruleSets(first: 20) { id text status } }"
DRAFT_RULES = "mutation($i: DraftRuleSetInput!) { draftRuleSet(input: $i) { id } }"
ACTIVATE_RULES = "mutation($id: ID!) { activateRuleSet(id: $id) { version } }"
ASSIGN = """mutation($i: AssignAssessorsInput!) { assignAssessors(input: $i) { assessors } }"""
OPEN_CAMPAIGN = "mutation($i: OpenCampaignInput!) { openCampaign(input: $i) { id } }"
ADD_FINDING = "mutation($i: AddFindingInput!) { addFinding(input: $i) { assessor } }"
REGISTER = "mutation($i: RegisterAssessorInput!) { registerAssessor(input: $i) { id } }"
SCORE_ALL = "mutation($i: ScoreAnswersInput!) { scoreAnswers(input: $i) { changed } }"
# the demo's assessors: made-up people from the kinds of institution that assess for the
# ministry; a plan with more assessors numbers the rest
DEMO_ASSESSORS = (
    ("demo-ui", "Dr. Ratna Wulandari", "Universitas Indonesia"),
    ("demo-itb", "Ir. Bagus Pratama", "Institut Teknologi Bandung"),
    ("demo-ugm", "Dr. Sri Handayani", "Universitas Gadjah Mada"),
    ("demo-perbanas", "Andi Saputra, M.M.", "Perbanas Institute"),
    ("demo-kominfo", "Dewi Lestari, S.Kom.", "Kementerian Komunikasi dan Informatika"),
)
SUBMIT = """mutation($items: [SubmitResponseInput!]!) { submitResponses(inputs: $items) {
  index error { code field message } } }"""
RANKING = """query($c: String!) { ranking(cycleId: $c) {
  regionCode rank finalIndex grade dimensions { dimension score } flags { code }
  counted { assessorScores citizenResponses } } }"""


class Minter(Protocol):
    def __call__(
        self, role: Role, *, subject: str | None = None, region: str | None = None
    ) -> str: ...


class Progress(Protocol):
    def stage(self, name: str, total: int) -> None: ...

    def advance(self, amount: int = 1) -> None: ...


class _Silent:
    def stage(self, name: str, total: int) -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        pass


@dataclass(frozen=True)
class Plan:
    regions: int = 3  # the demo's three, then the national list's next, up to its 514
    assessors: int = 5
    citizens_per_sub_dimension: int = 50
    scoring_wait_seconds: float = 180.0
    parallel_requests: int = 4
    bursts: int = 1


@dataclass(frozen=True)
class Instrument:
    version: int
    questions: dict[str, str | None]  # code -> sub-dimension

    def sub_dimensions(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {}
        for code, sub in self.questions.items():
            grouped.setdefault(sub or "", []).append(code)
        return grouped


@dataclass
class Outcome:
    cycle_id: str
    regions: dict[str, str]  # code -> name
    cycle_name: str = ""  # as people name it, for the ones the demo tells
    scorecards: list[dict[str, Any]] = field(default_factory=list)  # best first

    @property
    def missing(self) -> list[str]:
        scored = {card["regionCode"] for card in self.scorecards}
        return sorted(set(self.regions) - scored)


def bursts(regions: list[str], count: int) -> list[list[str]]:
    """The regions in `count` bursts, each larger than the last (shares 1, 2, ... count)."""
    weights = range(1, count + 1)
    ends = [round(len(regions) * sum(weights[: n + 1]) / sum(weights)) for n in range(count)]
    return [regions[start:end] for start, end in zip([0, *ends], ends, strict=False) if end > start]


def _chunks(items: list[T], size: int) -> list[list[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


async def once_known(call: Callable[[], Awaitable[T]], wait_seconds: float = 30.0) -> T:
    """Retries while the service has not yet learned, from the stream, what the call names."""
    deadline = asyncio.get_running_loop().time() + wait_seconds
    while True:
        try:
            return await call()
        except GraphQLFailure as failure:
            if failure.code != "NOT_FOUND" or asyncio.get_running_loop().time() > deadline:
                raise
        await asyncio.sleep(0.2)


class EvaluationCycle:
    def __init__(
        self,
        admin: GraphQLClient,
        mint: Minter,
        plan: Plan | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.admin, self.mint = admin, mint
        self.plan = plan or Plan()
        self.progress = progress or _Silent()
        people = [*DEMO_ASSESSORS, *(
            (f"demo-{n}", f"Asesor {n}", "Kementerian Komunikasi dan Informatika")
            for n in range(len(DEMO_ASSESSORS) + 1, self.plan.assessors + 1)
        )][: self.plan.assessors]  # fmt: skip
        self.people = people
        self.assessors = [person_id for person_id, _, _ in people]
        self._limit = asyncio.Semaphore(self.plan.parallel_requests)

    async def run(self) -> Outcome:
        regions = await self._demo_regions()
        cycle_id = await self._open_cycle(regions)
        evaluation = await self._instrument(EVALUATION)
        citizens = await self._instrument(CITIZEN_IMPACT)
        outcome = Outcome(cycle_id, {code: r["name"] for code, r in regions.items()})
        for person_id, name, institution in self.people:
            registered = {"id": person_id, "name": name, "institution": institution}
            await self.admin(REGISTER, {"i": registered})
        campaigns = await asyncio.gather(
            *(self._prepare(code, cycle_id, evaluation, citizens) for code in regions)
        )
        per_region = len(citizens.sub_dimensions()) * self.plan.citizens_per_sub_dimension
        opened = dict(zip(regions, campaigns, strict=True))
        for number, burst in enumerate(bursts(list(regions), self.plan.bursts), start=1):
            if number == self.plan.bursts // 2 + 1 and self.plan.bursts > 1:
                await self._activate_again()
            await self._evidence(burst, opened, cycle_id, evaluation, citizens, per_region)
        expected = {
            "assessorScores": len(evaluation.questions) * len(self.assessors),
            "citizenResponses": per_region,
        }
        outcome.scorecards = await self._scorecards(cycle_id, set(regions), expected)
        return outcome

    async def _evidence(
        self,
        regions: list[str],
        campaigns: dict[str, tuple[str, str]],
        cycle_id: str,
        evaluation: Instrument,
        citizens: Instrument,
        per_region: int,
    ) -> None:
        """The assessors' scores, then the citizens' responses, of these regions."""
        profiles = {code: RegionProfile.of(code) for code in regions}
        self.progress.stage(
            _("assessor scores"), len(regions) * len(evaluation.questions) * len(self.assessors)
        )
        await asyncio.gather(
            *(
                self._score(profiles[code], cycle_id, campaigns[code][0], evaluation)
                for code in regions
            )
        )
        self.progress.stage(_("citizen responses"), len(regions) * per_region)
        await asyncio.gather(
            *(
                self._collect_citizens(profiles[code], campaigns[code][1], citizens)
                for code in regions
            )
        )

    async def _activate_again(self) -> None:
        """The active rule set again, as a new version: every scorecard is rescored."""
        found = (await self.admin(RULE_SETS, {}))["ruleSets"]
        active = next(r for r in found if r["status"] == "active")
        drafted = await self.admin(DRAFT_RULES, {"i": {"text": active["text"]}})
        await self.admin(ACTIVATE_RULES, {"id": drafted["draftRuleSet"]["id"]})

    async def _call(self, client: GraphQLClient, query: str, variables: dict[str, Any]):
        async with self._limit:
            return await client(query, variables)

    async def _demo_regions(self) -> dict[str, dict[str, Any]]:
        """The demo's regions, with their masterplans and programs; past three, the national
        list's regencies and cities in code order, in the demo regions' cohort."""
        demo = [r["code"] for r in demo_data()["regions"]]
        known = {r["code"]: r for r in await every_region(self.admin, "code name cohort")}
        if any(code not in known for code in demo):
            await seed(self.admin)
            known = {r["code"]: r for r in await every_region(self.admin, "code name cohort")}
        wanted = demo[: self.plan.regions]
        if self.plan.regions > len(demo):
            more = [r.code for r in national_regions() if r.code not in demo]
            wanted += more[: self.plan.regions - len(demo)]
            cohort = Counter(known[code]["cohort"] for code in demo).most_common(1)[0][0]
            await register_national(self.admin, {}, cohort, only=set(wanted))
            known = {r["code"]: r for r in await every_region(self.admin, "code name cohort")}
        return {code: known[code] for code in wanted}

    async def _open_cycle(self, regions: dict[str, dict[str, Any]]) -> str:
        """The 2023 cycle of the demo cohort, or the year after the last one a run opened."""
        today = dt.date.today()
        cohort = Counter(r["cohort"] for r in regions.values()).most_common(1)[0][0]
        taken = (await self.admin(CYCLES, {"cohort": cohort}))["evaluationCycles"]
        year = max([FIRST_YEAR - 1, *(c["year"] for c in taken if c["stage"] == STAGE)]) + 1
        cycle = {
            "year": year,
            "stage": STAGE,
            "cohort": cohort,
            "opensOn": today.isoformat(),
            "closesOn": (today + dt.timedelta(days=60)).isoformat(),
            "regionCodes": list(regions),
        }
        cycle_id: str = (await self.admin(OPEN_CYCLE, {"i": cycle}))["createEvaluationCycle"]["id"]
        return cycle_id

    async def _instrument(self, key: str) -> Instrument:
        found = (await self.admin(QUESTIONS, {"key": key}))["instrument"]
        if found is None:
            raise GraphQLFailure(f"the survey has no instrument {key}")
        questions = {
            q["code"]: q["subDimension"] for s in found["sections"] for q in s["questions"]
        }
        return Instrument(found["version"], questions)

    async def _prepare(
        self, region: str, cycle_id: str, evaluation: Instrument, citizens: Instrument
    ) -> tuple[str, str]:
        """Assigns the assessors and opens the assessor and citizen campaigns of one region."""
        assignment = {"regionCode": region, "cycleId": cycle_id, "assessors": self.assessors}
        await once_known(partial(self.admin, ASSIGN, {"i": assignment}))
        opened = []
        for audience, key, instrument in (
            ("ASSESSOR", EVALUATION, evaluation),
            ("CITIZEN", CITIZEN_IMPACT, citizens),
        ):
            campaign = {
                "instrumentKey": key,
                "instrumentVersion": instrument.version,
                "regionCode": region,
                "cycleId": cycle_id,
                "audience": audience,
                "quotaPerSubDimension": self.plan.citizens_per_sub_dimension,
            }
            found = await once_known(partial(self.admin, OPEN_CAMPAIGN, {"i": campaign}))
            opened.append(found["openCampaign"]["id"])
        return opened[0], opened[1]

    async def _score(
        self, profile: RegionProfile, cycle_id: str, campaign_id: str, evaluation: Instrument
    ):
        """Every assessor scores the whole questionnaire in one request; then the first writes
        the findings."""
        scores = profile.assessor_scores(list(evaluation.questions), self.assessors)
        for assessor in self.assessors:
            client = self.admin.as_(self.mint(Role.ASSESSOR, subject=assessor))
            given = [{"questionCode": code, "score": by[assessor]} for code, by in scores.items()]
            sheet = {"campaignId": campaign_id, "scores": given}
            await self._call(client, SCORE_ALL, {"i": sheet})
            self.progress.advance(len(given))
        lead = self.admin.as_(self.mint(Role.ASSESSOR, subject=self.assessors[0]))
        for kind, text in profile.findings(scores):
            finding = {"regionCode": profile.region_code, "cycleId": cycle_id, "kind": kind,
                       "text": text}  # fmt: skip
            await self._call(lead, ADD_FINDING, {"i": finding})

    async def _collect_citizens(
        self, profile: RegionProfile, campaign_id: str, citizens: Instrument
    ):
        """Issues each sub-dimension's tokens, then syncs the answers as the region's field app."""
        groups = citizens.sub_dimensions()
        wanted = [
            {"campaignId": campaign_id, "count": self.plan.citizens_per_sub_dimension,
             "subDimension": sub, "idempotencyKey": f"demo-{campaign_id}-{sub}"}
            for sub in groups
        ]  # fmt: skip
        query, variables = aliased("issueRespondentTokens", "IssueRespondentTokensInput", wanted)
        issued = await self._call(self.admin, query, variables)
        items = []
        for n, sub in enumerate(groups):
            for index, token in enumerate(issued[f"m{n}"]):
                citizen = n * self.plan.citizens_per_sub_dimension + index
                answers = profile.citizen_answers(groups[sub], citizen)
                items.append({
                    "campaignId": campaign_id,
                    "idempotencyKey": f"demo-{campaign_id}-{citizen:05d}",
                    "respondentToken": token,
                    "answers": [{"questionCode": c, "score": s} for c, s in answers.items()],
                })  # fmt: skip
        field_app = self.admin.as_(self.mint(Role.REGION_OPERATOR, region=profile.region_code))
        for batch in _chunks(items, RESPONSES_PER_BATCH):
            outcomes = (await self._call(field_app, SUBMIT, {"items": batch}))["submitResponses"]
            refused = [o["error"] for o in outcomes if o["error"]]
            if refused:
                first = refused[0]
                raise GraphQLFailure(f"a citizen response was refused: {first}", first["code"])
            self.progress.advance(len(batch))

    async def _scorecards(
        self, cycle_id: str, regions: set[str], expected: dict[str, int]
    ) -> list[dict[str, Any]]:
        """The cycle's ranking once every region's scorecard counts all the evidence given."""
        self.progress.stage(_("scorecards"), len(regions))
        deadline = asyncio.get_running_loop().time() + self.plan.scoring_wait_seconds
        complete: list[dict[str, Any]] = []
        while True:
            ranking = (await self.admin(RANKING, {"c": cycle_id}))["ranking"]
            now_complete = [c for c in ranking if c["counted"] == expected]
            self.progress.advance(len(now_complete) - len(complete))
            complete = now_complete
            done = {c["regionCode"] for c in complete} >= regions
            if done or asyncio.get_running_loop().time() > deadline:
                return complete
            await asyncio.sleep(0.3)
