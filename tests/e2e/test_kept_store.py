"""The embedded stack keeps its data: the supervisor (and with it the store it serves) is
killed with SIGKILL in the middle of an assessor's burst of scores through the gateway; after
`smartcity up` again every acknowledged score reads back, the field app's resending of the
whole burst changes nothing twice, no event is missing or doubled on the stream, and the
scorecard equals the one an undisturbed stack gives the same scores."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.kernel import auth
from tests.e2e.up import UpProcess, free_ports, processes_mentioning
from tests.streams import stream_messages
from tests.support import SECRET

REGION = "12.07"
KILLED_YEAR, UNDISTURBED_YEAR = 2030, 2031  # twin cycles: the same evidence but the scores
ASSESSOR = "kept-store-assessor"
ACCEPTED = "smartcity.survey.responses.accepted.v1"
QUESTIONS = '{ instrument(key: "smartcity-evaluation-2023") { sections { questions { code } } } }'
OPEN_CYCLE = "mutation($i: CreateEvaluationCycleInput!) { createEvaluationCycle(input: $i) { id } }"
OPEN_CAMPAIGN = "mutation($i: OpenCampaignInput!) { openCampaign(input: $i) { id } }"
ASSIGN = "mutation($i: AssignAssessorsInput!) { assignAssessors(input: $i) { assessors } }"
REGISTER = "mutation($i: RegisterAssessorInput!) { registerAssessor(input: $i) { id } }"
SCORE = "mutation($i: ScoreAnswerInput!) { scoreAnswer(input: $i) { revision } }"
SCORES = """query($c: ID!, $a: String!) { assessorScores(campaignId: $c, assessor: $a) {
  questionCode score revision } }"""
CARD = """query($r: String!, $c: String!) { scorecard(regionCode: $r, cycleId: $c) {
  finalIndex grade dimensions { dimension score } counted { assessorScores } } }"""


class Gateway:
    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token
        self.http = httpx.AsyncClient(timeout=30)

    async def answer(self, query: str, variables: dict[str, Any], token: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {token or self.token}"}
        sent = await self.http.post(self.url, json={"query": query, "variables": variables},
                                    headers=headers)  # fmt: skip
        return sent.json()

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        for _ in range(100):  # a service may not have learned of a new cycle yet
            body = await self.answer(query, variables or {})
            codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
            if "NOT_FOUND" not in codes:
                assert "errors" not in body, body
                return body["data"]
            await asyncio.sleep(0.1)
        raise AssertionError(body)


async def a_season(gateway: Gateway, year: int) -> tuple[str, str, list[dict[str, Any]]]:
    """An open cycle of `year` for the region, its assessor campaign with the assessor
    assigned, and a score for each question."""
    today = dt.date.today()
    cycle = {"year": year, "stage": "TAHAP_1", "cohort": "regular_2017_2019",
             "opensOn": today.isoformat(), "closesOn": (today + dt.timedelta(days=30)).isoformat(),
             "regionCodes": [REGION]}  # fmt: skip
    cycle_id = (await gateway.data(OPEN_CYCLE, {"i": cycle}))["createEvaluationCycle"]["id"]
    campaign = {"instrumentKey": "smartcity-evaluation-2023", "instrumentVersion": 1,
                "regionCode": REGION, "cycleId": cycle_id, "audience": "ASSESSOR"}  # fmt: skip
    campaign_id = (await gateway.data(OPEN_CAMPAIGN, {"i": campaign}))["openCampaign"]["id"]
    assessor = {"id": ASSESSOR, "name": "Assessor UI", "institution": "UI"}
    if year == KILLED_YEAR:
        await gateway.data(REGISTER, {"i": assessor})
    assignment = {"regionCode": REGION, "cycleId": cycle_id, "assessors": [ASSESSOR]}
    await gateway.data(ASSIGN, {"i": assignment})
    found = (await gateway.data(QUESTIONS))["instrument"]["sections"]
    codes = [q["code"] for s in found for q in s["questions"]]
    scores = [{"campaignId": campaign_id, "questionCode": c, "score": (n * 7) % 5}
              for n, c in enumerate(codes)]  # fmt: skip
    return cycle_id, campaign_id, scores


async def send(gateway: Gateway, scores: list[dict[str, Any]], acknowledged: list[str]) -> None:
    token = auth.mint(SECRET, auth.Role.ASSESSOR, subject=ASSESSOR)
    for score in scores:
        try:
            body = await gateway.answer(SCORE, {"i": score}, token)
        except httpx.HTTPError:
            return  # the stack is gone: the rest is unacknowledged
        if "errors" not in body:
            acknowledged.append(score["questionCode"])


async def settled_card(gateway: Gateway, cycle_id: str, scores: int) -> dict[str, Any]:
    deadline = time.monotonic() + 90
    while True:
        card = (await gateway.data(CARD, {"r": REGION, "c": cycle_id}))["scorecard"]
        if card and card["counted"]["assessorScores"] == scores:
            return dict(card)
        assert time.monotonic() < deadline, card
        await asyncio.sleep(0.3)


def up_again(data_dir: Path, ports: dict[str, int]) -> UpProcess:
    data_dir.mkdir(exist_ok=True)
    up = UpProcess(data_dir, ports)
    up.wait_for("Press Ctrl-C to stop.", timeout=120)
    return up


@pytest.mark.timeout(420)
async def test_a_killed_stack_keeps_every_acknowledged_write_and_agrees_with_its_stream(
    tmp_path: Path,
) -> None:
    ports = free_ports()
    up = await asyncio.to_thread(up_again, tmp_path / "killed", ports)
    try:
        gateway = Gateway(up.value_of("Gateway:"), up.value_of("Admin token:"))
        cycle_id, campaign_id, scores = await a_season(gateway, KILLED_YEAR)
        acknowledged: list[str] = []
        writers = [asyncio.create_task(send(gateway, scores[n::4], acknowledged))
                   for n in range(4)]  # fmt: skip
        while len(acknowledged) < 40:  # noqa: ASYNC110 - the writers count as they go
            await asyncio.sleep(0.01)
    finally:
        up.kill()  # SIGKILL: no snapshot, no goodbye; the services die with it
    await asyncio.gather(*writers)
    for _ in range(200):
        if not processes_mentioning(str(tmp_path / "killed")):
            break
        await asyncio.sleep(0.1)
    assert 40 <= len(acknowledged) < len(scores)

    up = await asyncio.to_thread(up_again, tmp_path / "killed", ports)
    try:
        gateway = Gateway(up.value_of("Gateway:"), up.value_of("Admin token:"))
        found = (await gateway.data(SCORES, {"c": campaign_id, "a": ASSESSOR}))["assessorScores"]
        kept = {s["questionCode"]: s["score"] for s in found}
        wanted = {s["questionCode"]: s["score"] for s in scores}
        assert {c: kept.get(c) for c in acknowledged} == {c: wanted[c] for c in acknowledged}
        again: list[str] = []
        await send(gateway, scores, again)  # the field app sends the whole burst again
        assert sorted(again) == sorted(wanted)
        killed_card = await settled_card(gateway, cycle_id, len(scores))
        found = (await gateway.data(SCORES, {"c": campaign_id, "a": ASSESSOR}))["assessorScores"]
        assert {s["questionCode"]: s["revision"] for s in found} == dict.fromkeys(wanted, 1)
        on_stream = [e for e, _ in await stream_messages(up.value_of("NATS:"))]
        # the same scores sent once, undisturbed, into a twin cycle of the region
        twin_id, _, twin_scores = await a_season(gateway, UNDISTURBED_YEAR)
        await send(gateway, twin_scores, [])
        undisturbed_card = await settled_card(gateway, twin_id, len(scores))
    finally:
        up.interrupt()
    ids = [e["id"] for e in on_stream]
    assert len(ids) == len(set(ids))  # no event was published twice
    batches = [e for e in on_stream
               if e["type"] == ACCEPTED and e["data"]["campaign_id"] == campaign_id]  # fmt: skip
    items = {(item["answers"][0]["question_code"], item["revision"], item["response_id"])
             for e in batches for item in e["data"]["items"]}  # fmt: skip
    # every score on the stream, at its one revision; a batch sent again is published again
    # with the same items (by design), which a consumer applies once by response and revision
    assert sorted((code, revision) for code, revision, _ in items) == sorted(
        (code, 1) for code in wanted
    )
    assert killed_card == undisturbed_card
