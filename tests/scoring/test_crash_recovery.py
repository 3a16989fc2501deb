"""Scoring killed mid-batch and started again ends with the scorecards of an undisturbed run.

Scoring runs as its own process against a real nats-server, on the in-process store: the
killed process takes its projection with it, so the restarted one must read the stream
from the beginning again, and still score every region as an undisturbed run does.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest

from bench import national
from services.kernel import events
from services.kernel.messaging import STREAM, ensure_stream
from services.kernel.processes import free_port
from tests.scoring.conftest import ADMIN
from tests.support import SECRET, graphql

pytestmark = pytest.mark.integration
REGIONS = 6
CONSUMER = "scoring-facts"
CARDS = """query($c: String!) { ranking(cycleId: $c) { regionCode finalIndex grade rank
  rulesetVersion inputDigest dimensions { dimension score weight } smartDimensions { dimension score }
  flags { ruleId code message } recommendations { ruleId text } quickWins { programId eligible }
  explanation { ruleId effects } failure } }"""  # fmt: skip


async def scorecards(client: httpx.AsyncClient) -> dict[str, list[dict[str, Any]]]:
    found = {}
    for cycle_id in national.COHORTS.values():
        result = await graphql(client, CARDS, {"c": cycle_id}, bearer=ADMIN)
        assert "errors" not in result, result
        found[cycle_id] = result["data"]["ranking"]
    return found


class ScoringProcess:
    def __init__(self, nats_url: str, data_dir: str) -> None:
        self.port = free_port()
        env = os.environ | {"SMARTCITY_JWT_SECRET": SECRET, "NATS_URL": nats_url,
                            "SMARTCITY_DATA_DIR": data_dir}  # fmt: skip
        command = [sys.executable, "-m", "services.cli", "serve", "scoring", "--port", str(self.port)]  # fmt: skip
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.client = httpx.AsyncClient(base_url=f"http://127.0.0.1:{self.port}", timeout=30)

    async def ready(self) -> None:
        async with asyncio.timeout(60):
            while True:
                assert self.process.poll() is None, "scoring exited at start-up"
                try:
                    if (await self.client.get("/readyz")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)

    async def waiting(self) -> float:
        text = (await self.client.get("/metrics")).text
        line = next(x for x in text.splitlines() if x.startswith("smartcity_scorecards_waiting"))
        return float(line.rsplit(" ", 1)[1])

    def descendants(self) -> list[int]:
        found, parents = [], [self.process.pid]
        while parents:
            path = Path(f"/proc/{parents.pop()}/task")
            for task in path.iterdir() if path.exists() else []:
                children = [int(c) for c in (task / "children").read_text().split()]
                found += children
                parents += children
        return found

    async def close(self, how: signal.Signals = signal.SIGTERM) -> None:
        await self.client.aclose()
        if self.process.poll() is None:
            self.process.send_signal(how)
        self.process.wait(timeout=30)


def any_alive(pids: list[int]) -> bool:
    return any(Path(f"/proc/{pid}").exists() for pid in pids)


async def acknowledged(js: Any) -> int:
    try:
        return int((await js.consumer_info(STREAM, CONSUMER)).ack_floor.stream_seq)
    except nats.js.errors.NotFoundError:
        return 0


async def caught_up(js: Any, scoring: ScoringProcess, regions: int) -> None:
    async with asyncio.timeout(120):
        while True:
            try:
                info = await js.consumer_info(STREAM, CONSUMER)
            except nats.js.errors.NotFoundError:  # the restarted process has not subscribed yet
                await asyncio.sleep(0.2)
                continue
            if info.num_pending == 0 and info.num_ack_pending == 0 and not await scoring.waiting():
                cards = await scorecards(scoring.client)
                if sum(len(c) for c in cards.values()) == regions:
                    return
            await asyncio.sleep(0.2)


async def test_killed_mid_batch_and_restarted_it_ends_with_the_undisturbed_scorecards(
    api, nats_server, tmp_path
):
    year = list(national.national_year(REGIONS))
    await api.learn(*year)
    await api.settled()
    undisturbed = await scorecards(api.client)

    client = await nats.connect(nats_server.url)
    js = client.jetstream()
    await ensure_stream(js)
    half = len(year) // 2

    async def publish(cloud_events: list[dict[str, Any]]) -> None:
        for cloud_event in cloud_events:
            await js.publish(events.nats_subject(cloud_event), events.encode(cloud_event))

    await publish(year[:half])
    first = ScoringProcess(nats_server.url, str(tmp_path))
    try:
        await first.ready()
        async with asyncio.timeout(60):  # the first half applied and rescoring begun
            while await acknowledged(js) < half or not first.descendants():  # noqa: ASYNC110 - another process
                await asyncio.sleep(0.05)
        await publish(year[half:])  # then a burst, and the kill in the middle of it
        async with asyncio.timeout(60):
            while await acknowledged(js) < half + (len(year) - half) // 3:  # noqa: ASYNC110 - another process
                await asyncio.sleep(0.02)
        assert await acknowledged(js) < len(year), "the kill came too late to be mid-batch"
        helpers = first.descendants()  # the rules workers and their forkserver
    finally:
        await first.close(signal.SIGKILL)
    async with asyncio.timeout(10):
        while any_alive(helpers):  # noqa: ASYNC110 - other processes
            await asyncio.sleep(0.1)

    second = ScoringProcess(nats_server.url, str(tmp_path))
    try:
        await second.ready()
        await caught_up(js, second, REGIONS)
        assert await scorecards(second.client) == undisturbed
    finally:
        await second.close()
        await client.close()
