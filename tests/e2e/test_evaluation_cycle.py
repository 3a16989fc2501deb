"""The whole suite as a user runs it: `smartcity up`, then `smartcity demo` through the gateway,
with a ministry's durable subscriber on the stream; then Ctrl-C."""

from __future__ import annotations

import asyncio
import subprocess
from collections import Counter

import httpx
import pytest

from services.contracts.events.scoring import ScorecardPublished
from services.contracts.events.survey import ResponsesAccepted
from tests.contracts import check_event
from tests.e2e.up import (
    UpProcess,
    environment,
    free_ports,
    port_held,
    port_options,
    processes_mentioning,
    smartcity_command,
)
from tests.streams import Subscriber

pytestmark = pytest.mark.integration
CITIZENS = 8  # per sub-dimension; the command's default is 50
QUESTIONS, SUB_DIMENSIONS, ASSESSORS, REGIONS = 117, 18, 5, 3
RANKING = """query($c: String!) { ranking(cycleId: $c) {
  regionCode rank finalIndex revision counted { assessorScores citizenResponses } } }"""
FEDERATED = "{ regions { code name latestScorecard { cycleId finalIndex } } }"


async def run_demo(gateway: str, data_dir) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *smartcity_command("demo", "--gateway", gateway, "--citizens", str(CITIZENS)),
        env=environment(data_dir),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=240)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


@pytest.mark.timeout(300)
async def test_a_demo_cycle_through_the_gateway_scores_every_region_and_reaches_a_subscriber(
    tmp_path,
):
    up = UpProcess(tmp_path, free_ports())
    try:
        await asyncio.to_thread(up.wait_for, "Press Ctrl-C to stop.")
        gateway, admin = up.value_of("Gateway:"), up.value_of("Admin token:")
        assert up.value_of("GraphiQL:") == gateway
        assert up.lines[0] == (
            f"Embedded store kept in {tmp_path / 'store'}: resuming from what it holds."
        )
        subscriber = Subscriber(up.value_of("NATS:"))
        await subscriber.start()

        code, out, err = await run_demo(gateway, tmp_path)
        assert code == 0, err
        assert "Every region of the cycle has its scorecard (3)." in out
        named = next(line for line in out.splitlines() if "Evaluation cycle" in line)
        assert "2023 · Tahap II · regular_2017_2019" in named  # the cycle by its name, id beside
        cycle_id = named.split()[-1].strip("()")
        assert "citizen responses" in err  # the progress bar went to stderr

        async with httpx.AsyncClient(timeout=30) as http:
            headers = {"Authorization": f"Bearer {admin}"}
            ranking = await http.post(gateway, json={"query": RANKING, "variables": {"c": cycle_id}},
                                      headers=headers)  # fmt: skip
            federated = await http.post(gateway, json={"query": FEDERATED}, headers=headers)
        cards = {c["regionCode"]: c for c in ranking.json()["data"]["ranking"]}
        received = await subscriber.received()
        await subscriber.close()
    finally:
        exit_code = await asyncio.to_thread(up.interrupt) if up.process.poll() is None else None
        up.kill()

    # every region is scored on all the evidence, and the table printed shows the ranking
    assert sorted(c["rank"] for c in cards.values()) == [1, 2, 3]
    for card in cards.values():
        assert card["counted"] == {
            "assessorScores": QUESTIONS * ASSESSORS,
            "citizenResponses": SUB_DIMENSIONS * CITIZENS,
        }
        row = next(line for line in out.splitlines() if f"  {card['regionCode']}  " in line)
        assert row.split()[0] == str(card["rank"])
        assert f"{card['finalIndex']:.2f}" in row
    assert {r["code"]: r["latestScorecard"]["finalIndex"]
            for r in federated.json()["data"]["regions"]} == {
        code: card["finalIndex"] for code, card in cards.items()
    }  # fmt: skip

    # the subscriber got every response once, and the last scorecard revision of each region;
    # every event keeps its committed schema
    assert len({e["id"] for e in received}) == len(received)
    for cloud_event in received:
        check_event(cloud_event)
    assert len({e["type"] for e in received}) >= 12
    accepted = Counter(
        e["data"]["kind"]
        for e in received
        if e["type"] == ResponsesAccepted.event_type() and e["data"]["cycle_id"] == cycle_id
        for _ in e["data"]["items"]
    )
    assert accepted == {
        "assessor_score": REGIONS * QUESTIONS * ASSESSORS,
        "citizen": REGIONS * SUB_DIMENSIONS * CITIZENS,
    }
    published = [
        e["data"] for e in received
        if e["type"] == ScorecardPublished.event_type() and e["data"]["cycle_id"] == cycle_id
    ]  # fmt: skip
    latest = {}
    for data in sorted(published, key=lambda d: d["revision"]):
        latest[data["region_code"]] = data
    assert {code: (d["revision"], d["final_index"]) for code, d in latest.items()} == {
        code: (card["revision"], card["finalIndex"]) for code, card in cards.items()
    }

    # Ctrl-C stopped everything it started
    assert exit_code == 0
    assert up.lines[-1] == "Stopped."
    assert processes_mentioning(str(tmp_path)) == []


def test_a_service_failing_at_start_up_stops_the_others_with_one_line(tmp_path):
    up = UpProcess(tmp_path, free_ports(), "--no-demo", SMARTCITY_RECOMPOSE_SECONDS="0")
    try:
        code = up.process.wait(timeout=120)
        up.wait_for("Stopped.")
        up.wait_for("smartcity: ")  # the stack's own last word, after the gateway's
    finally:
        up.kill()
    assert code == 1
    assert up.lines[-1] == (
        "smartcity: gateway failed at start-up: SMARTCITY_RECOMPOSE_SECONDS must be positive, not 0"
    )
    assert not any("Traceback" in line for line in up.lines)
    for service in ("catalog", "survey", "scoring"):  # started before the gateway, then stopped
        assert f"{service:>7} | INFO services.kernel.app: {service}: stopped" in up.lines
    assert processes_mentioning(str(tmp_path)) == []


def test_a_port_taken_is_one_line_and_starts_nothing(tmp_path):
    ports = free_ports()
    with port_held(ports["survey"]):
        result = subprocess.run(
            smartcity_command("up", *port_options(ports)),
            env=environment(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"smartcity: port {ports['survey']} for survey is taken (another `smartcity up`?); "
        "choose another with --survey-port"
    ]
    assert processes_mentioning(str(tmp_path)) == []
