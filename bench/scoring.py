"""Scoring at national scale: catch-up, full rescore after an activation, response latency.

    python -m bench.scoring [--regions 514] [--samples 200] [--activations 1]

The benchmark plays the catalog and the survey: it puts a synthetic national year
(`bench.national`) on the stream of a real nats-server and runs scoring as its own process.
It then measures
- catch-up: how long scoring takes to project every event and score every region;
- full rescore: from `activateRuleSet` to the last region's scorecard event under the new
  version (repeated `--activations` times, each a new version, with RSS before and after);
- latency: from one more assessor score landing on the stream to that region's new
  scorecard event, one response at a time;
and where scoring's time went (its /metrics), durable_rules' share included.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import nats
from nats.js.client import JetStreamContext

from bench import national
from bench.memory import descendants, rss_mb
from bench.service import graphql, serving
from services.contracts.events.scoring import ScorecardPublished
from services.embedded.natsserver import NatsServer
from services.kernel import auth, events
from services.kernel.messaging import STREAM, ensure_stream
from services.scoring.handlers.rulesets import DEFAULT

SECRET = "b3nch-Hq8w2Zr5Tk1Vn7Xc4Lm9Pd6Fs0Jg3Yb5Ne8Ua2Oi7"
ADMIN = auth.mint(SECRET, auth.Role.ADMIN, subject="bench")
PUBLISHED = ScorecardPublished.subject
CONSUMER = "scoring-facts"
STAGES = ("reading_evidence", "methodology", "rules", "storing")


@dataclass
class Scorecards:
    """The latest scorecard event per region, as a ministry subscriber would see them."""

    latest: dict[str, dict[str, Any]] = field(default_factory=dict)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def receive(self, message: Any) -> None:
        data = events.decode(message.data)["data"]
        self.latest[data["region_code"]] = data
        self.changed.set()

    async def until(self, done: Any, timeout: float) -> float:
        """Waits until `done()` holds; returns the moment it first did."""
        async with asyncio.timeout(timeout):
            while not done():
                self.changed.clear()
                await self.changed.wait()
        return time.perf_counter()

    def under(self, version: int) -> int:
        return sum(1 for d in self.latest.values() if d["ruleset_version"] == version)


class Scoring:
    def __init__(self, client: httpx.AsyncClient, port: int, pid: int) -> None:
        self.client, self.base, self.pid = client, f"http://127.0.0.1:{port}", pid

    async def call(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        return await graphql(self.client, f"{self.base}/graphql", query, variables, ADMIN)

    async def metrics(self) -> dict[str, float]:
        text = (await self.client.get(f"{self.base}/metrics")).text
        return {
            line.split("{")[0].removeprefix("smartcity_"): float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith("smartcity_")
        }

    async def draft_and_activate(self, text: str) -> int:
        drafted = await self.call(
            "mutation($i: DraftRuleSetInput!) { draftRuleSet(input: $i) { id version status } }",
            {"i": {"text": text}},
        )
        ruleset = drafted["draftRuleSet"]
        if ruleset["status"] != "valid":
            raise RuntimeError(f"the benchmark's rule set is {ruleset['status']}")
        await self.call("mutation($id: ID!) { activateRuleSet(id: $id) { version } }",
                        {"id": ruleset["id"]})  # fmt: skip
        return int(ruleset["version"])

    def rss_mb(self) -> dict[str, float]:
        """Resident memory of the service and of its rules workers (forkserver children)."""
        found = {"service": rss_mb(self.pid), "rules workers": 0.0}
        for child in descendants(self.pid):
            found["rules workers"] += rss_mb(child)
        return found


def variant(number: int) -> str:
    """The default rule set with the regular cohort's weights moved a little, `number` apart."""
    outcome, impact = 30 - number % 10, 20 + number % 10
    regular = "{year: 2023, cohort: regular_2017_2019, weights: {baseline: 10, output: 20, "
    return DEFAULT.read_text().replace(
        f"{regular}outcome: 30, impact: 20, quick_win: 20}}}}",
        f"{regular}outcome: {outcome}, impact: {impact}, quick_win: 20}}}}",
    )


async def publish_year(
    js: JetStreamContext, regions: int, live: frozenset[str] = frozenset()
) -> int:
    pending: list[Any] = []
    count = 0
    for cloud_event in national.national_year(regions, live=live):
        subject = events.nats_subject(cloud_event)
        headers = {"Nats-Msg-Id": cloud_event["id"]}
        pending.append(js.publish(subject, events.encode(cloud_event), headers=headers))
        count += 1
        if len(pending) >= 500:
            await asyncio.gather(*pending)
            pending = []
    await asyncio.gather(*pending)
    return count


async def caught_up(js: JetStreamContext, scoring: Scoring) -> bool:
    info = await js.consumer_info(STREAM, CONSUMER)
    waiting = (await scoring.metrics()).get("scorecards_waiting_to_rescore", 1)
    return info.num_pending == 0 and info.num_ack_pending == 0 and waiting == 0


@contextlib.asynccontextmanager
async def scoring_on_a_stream(
    timeout: float = 120,
) -> AsyncIterator[tuple[JetStreamContext, Scoring, Scorecards]]:
    """Scoring as its own process on a fresh nats-server's stream, with a subscriber to its
    scorecard events."""
    with tempfile.TemporaryDirectory() as scratch, NatsServer(Path(scratch) / "nats") as server:
        async with serving("scoring", server.url, scratch, SECRET) as service:
            client = await nats.connect(server.url)
            try:
                js = client.jetstream()
                await ensure_stream(js)
                cards = Scorecards()
                await client.subscribe(PUBLISHED, cb=cards.receive)
                async with httpx.AsyncClient(timeout=timeout) as http:
                    yield js, Scoring(http, service.port, service.pid), cards
            finally:
                await client.close()


async def run(args: argparse.Namespace) -> None:
    async with scoring_on_a_stream() as (js, scoring, cards):
        await measure(args, js, scoring, cards)


class Report:
    """The benchmark's table, each row printed as soon as it is measured."""

    def __init__(self) -> None:
        print("| measure | value |\n|---|---|", flush=True)

    def add(self, rows: list[tuple[str, Any]]) -> None:
        for name, value in rows:
            shown = f"{value:,.2f}" if isinstance(value, float) else (
                f"{value:,}" if isinstance(value, int) else value)  # fmt: skip
            print(f"| {name} | {shown} |", flush=True)


async def measure(
    args: argparse.Namespace, js: JetStreamContext, scoring: Scoring, cards: Scorecards
) -> None:
    figures = Report()
    figures.add([("regions", args.regions)])
    started = time.perf_counter()
    published = await publish_year(js, args.regions)
    figures.add([("events on the stream", published),
                ("publishing them took s", time.perf_counter() - started)])  # fmt: skip
    await cards.until(lambda: len(cards.latest) >= args.regions, timeout=3600)
    while not await caught_up(js, scoring):  # noqa: ASYNC110 - polled from outside the service
        await asyncio.sleep(0.2)
    figures.add([("catch-up: every event projected and every region scored s",
                 time.perf_counter() - started)])  # fmt: skip

    before = await scoring.metrics()
    memory_before = scoring.rss_mb()
    rescores = []
    for number in range(args.activations):
        began = time.perf_counter()
        version = await scoring.draft_and_activate(variant(number + 1))
        ended = await cards.until(lambda v=version: cards.under(v) >= args.regions, timeout=600)
        rescores.append(ended - began)
    after = await scoring.metrics()
    memory_after = scoring.rss_mb()
    figures.add([("full rescore after an activation s (median)", statistics.median(rescores)),
                ("full rescore s (slowest)", max(rescores))])  # fmt: skip
    figures.add(_stage_shares(before, after))
    busy = after["rules_engine_busy_seconds_total"] - before["rules_engine_busy_seconds_total"]
    figures.add([("durable_rules busy s per rescore (both workers)", busy / len(rescores)),
                 ("durable_rules busy, share of rescore wall time",
                  f"{100 * busy / sum(rescores):.0f}%")])  # fmt: skip
    figures.add([("activations in a row", args.activations)])
    figures.add([(f"RSS {name} MB before / after", f"{was:,.0f} / {memory_after[name]:,.0f}")
                for name, was in memory_before.items()])  # fmt: skip

    latencies = await response_latencies(js, cards, args)
    figures.add(
        [
            ("latency samples", len(latencies)),
            ("response-to-scorecard p50 ms", statistics.median(latencies)),
            ("response-to-scorecard p95 ms", _percentile(latencies, 95)),
            ("response-to-scorecard p99 ms", _percentile(latencies, 99)),
        ]
    )


def _stage_shares(before: dict[str, float], after: dict[str, float]) -> list[tuple[str, Any]]:
    spent = {s: after[f"scoring_{s}_seconds_total"] - before[f"scoring_{s}_seconds_total"]
             for s in STAGES}  # fmt: skip
    total = sum(spent.values()) or 1.0
    return [(f"stage share: {stage.replace('_', ' ')}", f"{100 * seconds / total:.0f}%")
            for stage, seconds in spent.items()]  # fmt: skip


async def response_latencies(
    js: JetStreamContext, cards: Scorecards, args: argparse.Namespace
) -> list[float]:
    """One more assessor score at a time, at the far end of the scale from the question's
    mean so far, so that it always changes the region's scorecard."""
    chance = random.Random(7)
    everywhere = national.regions(args.regions)
    instrument = national.shipped.evaluation_2023()
    latencies = []
    for sample in range(args.samples):
        region = chance.choice(everywhere)
        scores: dict[str, list[int]] = {}
        for given in national.assessor_scores(region):
            for item in given["data"]["items"]:
                [answer] = item["answers"]
                scores.setdefault(answer["question_code"], []).append(answer["score"])
        code = chance.choice(sorted(scores))
        far = 0 if statistics.mean(scores[code]) >= 2 else 4
        answer = national.survey.GivenAnswer(code, score=far)
        late = national.survey.AcceptedItem(f"late-{sample}", f"late-assessor-{sample}", None,
                                            (answer,))  # fmt: skip
        score = national.batch(region, f"{region.code}-assessor", instrument, "assessor_score",
                               [late])  # fmt: skip
        before = cards.latest[region.code]["revision"]
        await js.publish(events.nats_subject(score), events.encode(score),
                         headers={"Nats-Msg-Id": score["id"]})  # fmt: skip
        landed = time.perf_counter()
        arrived = await cards.until(
            lambda r=region.code, b=before: cards.latest[r]["revision"] > b, timeout=30
        )
        latencies.append((arrived - landed) * 1000)
    return latencies


def _percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * percent / 100) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--regions", type=int, default=514)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--activations", type=int, default=1)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
