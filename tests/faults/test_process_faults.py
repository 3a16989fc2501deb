"""NATS, each service and the gateway killed, one at a time, while the demo's evaluation
cycle runs through the gateway: the supervisor of `smartcity up` starts it again, the other
parts keep answering, and the outcome is that of an undisturbed run.

Every part runs as its own process under the stack's supervisor (`tests.faults.stack`),
over the in-memory store it serves and that outlives the services. The demo cycle (three regions,
five assessors scoring the whole 2023 instrument, citizens answering every sub-dimension)
is driven by the suite's own `EvaluationCycle`, over a client that retries what a restart
interrupts, as a field app does: its mutations are safe to repeat (an assessor's score is
set, a citizen's response is keyed). A third of the way through the citizens' responses
the part is killed with SIGKILL, and the supervisor starts it again. Afterwards
- every region's scorecard equals the undisturbed run's, evidence digest included, and
  counts every accepted response exactly once;
- a ministry's durable subscriber, following the stream all along, got every response and
  each region's last scorecard, and anything it got twice came with the same event id.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.contracts.events.scoring import ScorecardPublished
from services.contracts.events.survey import ResponsesAccepted
from services.demo.cycle import EvaluationCycle, Plan
from services.kernel import auth
from services.kernel.auth import Role
from services.kernel.graphql_client import GraphQLClient, GraphQLFailure
from tests.faults.stack import Stack, running_stack
from tests.streams import Subscriber
from tests.support import SECRET

pytestmark = pytest.mark.integration
CITIZENS = 8  # per sub-dimension; the demo's default is 50
COUNTED = {
    "assessorScores": 117 * 5,
    "citizenResponses": 18 * CITIZENS,
}  # questions, sub-dimensions
PLAN = Plan(citizens_per_sub_dimension=CITIZENS, scoring_wait_seconds=120)
INTERRUPTED = {None, "SUBGRAPH_UNAVAILABLE", "SUBGRAPH_TIMEOUT", "SUPERGRAPH_UNAVAILABLE"}
CARDS = """query($c: String!) { ranking(cycleId: $c) { regionCode rank finalIndex grade revision
  rulesetVersion inputDigest counted { assessorScores citizenResponses }
  dimensions { dimension score weight } smartDimensions { dimension score }
  flags { ruleId code message } recommendations { ruleId text } quickWins { programId eligible }
  explanation { ruleId effects } failure } }"""  # fmt: skip
ACCEPTED = ResponsesAccepted.event_type()
PUBLISHED = ScorecardPublished.event_type()


class Retrying(GraphQLClient):
    """Sends again what met a part being restarted (unreachable, or unavailable)."""

    def __init__(
        self, http: httpx.AsyncClient, url: str, token: str, sent_again: list[str]
    ) -> None:
        super().__init__(http, url, token)
        self.sent_again = sent_again  # the codes of the failures retried, shared by `as_`

    async def __call__(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        # as long as the stack's interrupt waits for the part to answer again (90 s)
        deadline = asyncio.get_running_loop().time() + 90
        while True:
            try:
                return await super().__call__(query, variables)
            except GraphQLFailure as failure:
                if failure.code not in INTERRUPTED or asyncio.get_running_loop().time() > deadline:
                    raise
                self.sent_again.append(failure.code or "UNREACHABLE")
            await asyncio.sleep(0.2)

    def as_(self, token: str) -> Retrying:
        return Retrying(self.http, self.url, token, self.sent_again)


class FaultPartWay:
    """The cycle's progress, which kills and restarts a part a third of the way through the
    citizens' responses."""

    def __init__(self, stack: Stack, part: str | None) -> None:
        self.stack, self.part = stack, part
        self.current, self.total, self.done = "", 0, 0
        self.fault: asyncio.Task[None] | None = None

    def stage(self, name: str, total: int) -> None:
        self.current, self.total, self.done = name, total, 0

    def advance(self, amount: int = 1) -> None:
        self.done += amount
        due = self.current == "citizen responses" and self.done >= self.total / 3
        if due and self.part and self.fault is None:
            self.fault = asyncio.create_task(self.stack.interrupt(self.part))

    async def over(self) -> None:
        assert self.part is None or self.fault is not None, "the fault never came"
        if self.fault:
            await self.fault


@dataclass
class Run:
    scorecards: dict[str, dict[str, Any]]
    received: list[dict[str, Any]]
    cycle_id: str
    sent_again: list[str]  # the codes of the requests a fault interrupted
    others_down: list[str]  # parts that did not answer while the faulty one was down


async def evaluate(tmp_path: Path, part: str | None) -> Run:
    async with running_stack(tmp_path) as stack:
        subscriber = Subscriber(stack.nats_url)
        await subscriber.start()
        subscriber.follow()
        async with httpx.AsyncClient(timeout=30) as http:
            sent_again: list[str] = []
            admin = Retrying(
                http, stack.gateway_url, auth.mint(SECRET, Role.ADMIN, subject="admin"), sent_again
            )
            fault = FaultPartWay(stack, part)
            outcome = await EvaluationCycle(admin, partial(auth.mint, SECRET), PLAN, fault).run()
            await fault.over()
            ranking = (await admin(CARDS, {"c": outcome.cycle_id}))["ranking"]
        stored = {card["regionCode"]: card["revision"] for card in ranking}
        received = await subscriber.received(
            until=lambda found: latest_revisions(found, outcome.cycle_id) == stored
        )
        await subscriber.close()
    return Run(
        {card["regionCode"]: card for card in ranking},
        received,
        outcome.cycle_id,
        sent_again,
        stack.others_down,
    )


@pytest.fixture(scope="module")
def undisturbed(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return asyncio.run(evaluate(tmp_path_factory.mktemp("undisturbed"), None))


def differences(run: Run, undisturbed: Run) -> list[str]:
    """Where the run's scorecards differ from the undisturbed run's, field by field; less what
    differs between any two runs: how many revisions led to them, and the evidence digest,
    which covers ids each run generates afresh."""
    volatile = ("revision", "inputDigest")
    found = []
    for code in sorted(set(run.scorecards) | set(undisturbed.scorecards)):
        got, wanted = run.scorecards.get(code, {}), undisturbed.scorecards.get(code, {})
        found += [f"{code} {name}: {got.get(name)!r} instead of {wanted.get(name)!r}"
                  for name in sorted(set(got) | set(wanted))
                  if name not in volatile and got.get(name) != wanted.get(name)]  # fmt: skip
    return found


def latest_revisions(received: list[dict[str, Any]], cycle_id: str) -> dict[str, int]:
    """Each region's last scorecard revision of the cycle the stream has brought."""
    latest: dict[str, int] = {}
    for cloud_event in received:
        data = cloud_event["data"]
        if cloud_event["type"] == PUBLISHED and data["cycle_id"] == cycle_id:
            latest[data["region_code"]] = max(latest.get(data["region_code"], 0), data["revision"])
    return latest


def fact(cloud_event: dict[str, Any]) -> tuple[Any, ...]:
    """What an event says happened, apart from its id: the same fact twice is a duplicate."""
    data = cloud_event["data"]
    return (cloud_event["type"], cloud_event["subject"],
            *(data.get(key) for key in ("revision", "report_id", "ruleset_version",
                                        "sub_dimension", "issued")))  # fmt: skip


@pytest.mark.timeout(300)
@pytest.mark.parametrize("part", ["nats", "catalog", "survey", "scoring", "gateway"])
async def test_a_part_killed_mid_cycle_changes_no_outcome(part, undisturbed, tmp_path):
    run = await evaluate(tmp_path, part)
    if part in ("survey", "gateway"):  # they take every response: the fault met some in flight
        assert run.sent_again

    assert run.others_down == []
    assert len(run.scorecards) == 3
    assert not differences(run, undisturbed)
    assert all(card["counted"] == COUNTED for card in run.scorecards.values())

    ids_of_fact: dict[tuple[Any, ...], set[str]] = defaultdict(set)
    for cloud_event in run.received:
        ids_of_fact[fact(cloud_event)].add(cloud_event["id"])
    twice = {f: ids for f, ids in ids_of_fact.items() if len(ids) > 1}
    assert not twice, f"facts published twice under different ids: {list(twice)[:3]}"

    responses = {item["response_id"] for e in run.received if e["type"] == ACCEPTED
                 for item in e["data"]["items"]}  # fmt: skip
    assert len(responses) == 3 * sum(COUNTED.values())  # every one, as the subscriber sees it
    published = [e["data"] for e in run.received
                 if e["type"] == PUBLISHED and e["data"]["cycle_id"] == run.cycle_id]  # fmt: skip
    latest = {data["region_code"]: data for data in sorted(published, key=lambda d: d["revision"])}
    assert {code: (d["revision"], d["final_index"]) for code, d in latest.items()} == {
        code: (card["revision"], card["finalIndex"]) for code, card in run.scorecards.items()
    }
