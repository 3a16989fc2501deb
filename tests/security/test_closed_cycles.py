"""Closing an evaluation cycle freezes its evidence: its campaigns close with it, every
change to its scores, findings, responses and tokens is refused at the field that named it,
and its scorecards stay as their letters show them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from services.kernel import auth
from tests.security import world as w
from tests.support import SECRET

SCORECARD = "query($r: String!, $c: String!) { scorecard(regionCode: $r, cycleId: $c) { finalIndex revision } }"


@pytest.fixture
async def world(tmp_path):
    async with w.running_world(tmp_path) as world:
        yield world


async def _until_campaigns_closed(world: w.World) -> list[str]:
    query = "query($c: String!) { campaigns(cycleId: $c) { status } }"
    for _ in range(200):
        found = await world.admin(query, {"c": world.cycle_id})
        statuses = [c["status"] for c in found["campaigns"]]
        if set(statuses) == {"CLOSED"}:
            return statuses
        await asyncio.sleep(0.05)
    return statuses


async def _attempt(world: w.World, bearer: str, query: str, variables: dict[str, Any]) -> Any:
    response = await world.gateway.client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {bearer}"},
    )
    body = response.json()
    return [e["extensions"] for e in body.get("errors") or ()] or body["data"]


@pytest.mark.integration
async def test_a_closed_cycle_refuses_every_change_to_its_evidence(world):
    assessor = auth.mint(SECRET, auth.Role.ASSESSOR, subject=w.ASSIGNED)
    enumerator = auth.mint(SECRET, auth.Role.ENUMERATOR, region=w.REGION)
    citizen = await world.respondent()
    before = await world.admin(SCORECARD, {"r": w.REGION, "c": world.cycle_id})

    await world.admin("mutation($id: ID!) { closeEvaluationCycle(id: $id) { id } }",
                      {"id": world.cycle_id})  # fmt: skip
    statuses = await _until_campaigns_closed(world)
    attempts = {
        "scoreAnswers": await _attempt(
            world, assessor,
            "mutation($i: ScoreAnswersInput!) { scoreAnswers(input: $i) { changed } }",
            {"i": {"campaignId": world.assessor_campaign,
                   "scores": [{"questionCode": "A.1.1.1", "score": 4}]}},
        ),
        "scoreAnswer": await _attempt(
            world, assessor,
            "mutation($i: ScoreAnswerInput!) { scoreAnswer(input: $i) { revision } }",
            {"i": {"campaignId": world.assessor_campaign, "questionCode": "A.1.1.1", "score": 4}},
        ),
        "addFinding": await _attempt(
            world, assessor,
            "mutation($i: AddFindingInput!) { addFinding(input: $i) { assessor } }",
            {"i": {"regionCode": w.REGION, "cycleId": world.cycle_id, "kind": "STRENGTH",
                   "text": "Temuan setelah tutup"}},
        ),
        "issueRespondentTokens": await _attempt(
            world, enumerator,
            "mutation($i: IssueRespondentTokensInput!) { issueRespondentTokens(input: $i) }",
            {"i": {"campaignId": world.citizen_campaign, "count": 1,
                   "subDimension": world.sub_dimension}},
        ),
        "submitResponse": await _attempt(
            world, citizen,
            "mutation($i: SubmitResponseInput!) { submitResponse(input: $i) { replayed } }",
            {"i": {"campaignId": world.citizen_campaign, "idempotencyKey": "after-closing-1",
                   "answers": world.citizen_answers()}},
        ),
        "assignAssessors": await _attempt(
            world, auth.mint(SECRET, auth.Role.ADMIN),
            "mutation($i: AssignAssessorsInput!) { assignAssessors(input: $i) { assessors } }",
            {"i": {"regionCode": w.REGION, "cycleId": world.cycle_id,
                   "assessors": [w.UNASSIGNED]}},
        ),
    }  # fmt: skip
    after = await world.admin(SCORECARD, {"r": w.REGION, "c": world.cycle_id})

    assert statuses == ["CLOSED", "CLOSED"]
    by_campaign = [{"code": "CONFLICT", "field": "input.campaignId"}]
    by_cycle = [{"code": "CONFLICT", "field": "input.cycleId"}]
    assert attempts == {
        "scoreAnswers": by_campaign,
        "scoreAnswer": by_campaign,
        "addFinding": by_cycle,
        "issueRespondentTokens": by_campaign,
        "submitResponse": by_campaign,
        "assignAssessors": by_cycle,
    }
    assert after == before
