"""One size of the national benchmark: the whole suite as its own processes, end to end.

For `regions` regions of a synthetic national year (`bench.national`), over a real
nats-server, with catalog, survey, scoring and the gateway each run by `smartcity serve`:
1. catch-up: the year's events put on the stream as the catalog and the survey would have
   published them (every region's programs, campaigns and five assessors' scores; the
   citizens' responses of all regions but a tenth), until scoring has projected them all
   and scored every region;
2. full rescore: a new rule set version activated through the gateway, until every
   region's scorecard under it has been published;
3. ingestion: the citizens of the other tenth of the regions (900 each) synced through the
   gateway as field apps do (batches of 100, four at a time), until the survey's outbox
   relay has put every one on the stream;
4. latency: one more citizen response at a time through the gateway, until the region's
   new scorecard event reaches a subscriber;
5. gateway overhead: one scorecard read from scoring directly and through the gateway;
6. memory: each process's peak resident set (VmHWM), NATS and scoring's rules workers too.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
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
from bench.accepted import AcceptedResponses
from bench.memory import descendants, peak_rss_mb
from bench.scoring import (
    ADMIN,
    PUBLISHED,
    SECRET,
    Scorecards,
    Scoring,
    caught_up,
    publish_year,
    variant,
)
from bench.service import Running, serving
from services.demo.cycle import once_known
from services.embedded.natsserver import NatsServer
from services.kernel.graphql_client import GraphQLClient
from services.kernel.messaging import ensure_stream

SUBGRAPHS = ("catalog", "survey", "scoring")
BATCH, CONCURRENCY = 100, 4
OPEN = "mutation($i: OpenCampaignInput!) { openCampaign(input: $i) { id } }"
ISSUE = "mutation($i: IssueRespondentTokensInput!) { issueRespondentTokens(input: $i) }"
SUBMIT_MANY = """mutation($items: [SubmitResponseInput!]!) { submitResponses(inputs: $items) {
  index error { code message } } }"""
SUBMIT_ONE = "mutation($i: SubmitResponseInput!) { submitResponse(input: $i) { response { id } } }"
SCORECARD = """query($r: String!, $c: String!) { scorecard(regionCode: $r, cycleId: $c) {
  finalIndex grade } }"""


@dataclass
class Suite:
    nats: NatsServer
    js: JetStreamContext
    services: dict[str, Running]
    gateway: GraphQLClient
    scoring: Scoring
    cards: Scorecards
    citizen_campaigns: dict[str, str] = field(default_factory=dict)  # by region code


@contextlib.asynccontextmanager
async def running_suite(scratch: str) -> AsyncIterator[Suite]:
    with NatsServer(Path(scratch) / "nats") as server:
        async with contextlib.AsyncExitStack() as stack:
            services = {
                name: await stack.enter_async_context(serving(name, server.url, scratch, SECRET))
                for name in SUBGRAPHS
            }
            urls = {f"{name.upper()}_URL": f"http://127.0.0.1:{services[name].port}/graphql"
                    for name in SUBGRAPHS}  # fmt: skip
            services["gateway"] = await stack.enter_async_context(
                serving("gateway", server.url, scratch, SECRET, urls)
            )
            client = await nats.connect(server.url)
            stack.push_async_callback(client.close)
            js = client.jetstream()
            await ensure_stream(js)
            cards = Scorecards()
            await client.subscribe(PUBLISHED, cb=cards.receive)
            limits = httpx.Limits(max_connections=CONCURRENCY + 4)
            http = await stack.enter_async_context(httpx.AsyncClient(timeout=120, limits=limits))
            gateway_url = f"http://127.0.0.1:{services['gateway'].port}/graphql"
            scoring = Scoring(http, services["scoring"].port, services["scoring"].pid)
            yield Suite(
                server, js, services, GraphQLClient(http, gateway_url, ADMIN), scoring, cards
            )


async def measure(regions: int, samples: int, say: Any = print) -> dict[str, float]:
    """The figures of one size, by name; `say` hears what the benchmark is doing."""
    everywhere = national.regions(regions)
    live = everywhere[: math.ceil(regions / 10)]
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as scratch:
        async with running_suite(scratch) as suite:
            say(f"{regions} regions: the year on the stream, scoring catching up")
            figures |= await catch_up(suite, regions, frozenset(r.code for r in live))
            say(f"{regions} regions: full rescore")
            figures |= await full_rescore(suite, regions)
            say(f"{regions} regions: {len(live) * 900:,} citizens' responses through the gateway")
            figures |= await ingestion(suite, live)
            say(f"{regions} regions: response-to-scorecard latency, {samples} samples")
            figures |= await latency(suite, live, samples)
            say(f"{regions} regions: gateway overhead")
            figures |= await gateway_overhead(suite, everywhere)
            figures |= peak_memory(suite)
    return figures


async def settled(suite: Suite) -> None:
    while not await caught_up(suite.js, suite.scoring):  # noqa: ASYNC110 - another process
        await asyncio.sleep(0.2)


async def catch_up(suite: Suite, regions: int, live: frozenset[str]) -> dict[str, float]:
    started = time.perf_counter()
    published = await publish_year(suite.js, regions, live)
    await suite.cards.until(lambda: len(suite.cards.latest) >= regions, timeout=3600)
    await settled(suite)
    elapsed = time.perf_counter() - started
    return {"events of the year on the stream": published,
            "catch-up: every event projected, every region scored (s)": elapsed}  # fmt: skip


async def full_rescore(suite: Suite, regions: int) -> dict[str, float]:
    drafted = await suite.gateway(
        "mutation($i: DraftRuleSetInput!) { draftRuleSet(input: $i) { id version } }",
        {"i": {"text": variant(1)}},
    )
    ruleset = drafted["draftRuleSet"]
    began = time.perf_counter()
    await suite.gateway("mutation($id: ID!) { activateRuleSet(id: $id) { version } }",
                        {"id": ruleset["id"]})  # fmt: skip
    version = int(ruleset["version"])
    ended = await suite.cards.until(lambda: suite.cards.under(version) >= regions, timeout=900)
    await settled(suite)
    return {"full rescore after an activation (s)": ended - began}


def _sub_dimensions() -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for section in national.shipped.citizen_impact_2023().sections:
        for question in section.questions:
            grouped.setdefault(question.sub_dimension or "", []).append(question.code)
    return grouped


async def _citizen_campaign(suite: Suite, region: national.Region) -> str:
    """The region's citizen campaign, opened through the gateway the first time."""
    if region.code not in suite.citizen_campaigns:
        wanted = {"instrumentKey": national.shipped.CITIZEN_IMPACT_2023, "instrumentVersion": 1,
                  "regionCode": region.code, "cycleId": region.cycle_id, "audience": "CITIZEN",
                  # room for the latency samples after the field citizens: tokens are capped
                  "quotaPerSubDimension": 2 * national.CITIZENS_PER_SUB_DIMENSION}  # fmt: skip
        opened = await once_known(lambda: suite.gateway(OPEN, {"i": wanted}), 60)
        suite.citizen_campaigns[region.code] = opened["openCampaign"]["id"]
    return suite.citizen_campaigns[region.code]


async def _citizens(
    suite: Suite, region: national.Region, per_sub_dimension: int, tag: str
) -> list[dict[str, Any]]:
    """Submissions of fresh citizens of the region's citizen campaign, tokens issued."""
    campaign_id = await _citizen_campaign(suite, region)
    chance = random.Random(f"{region.code}:{tag}")
    items = []
    for sub_dimension, codes in _sub_dimensions().items():
        issued = await suite.gateway(ISSUE, {"i": {"campaignId": campaign_id,
                                                   "count": per_sub_dimension,
                                                   "subDimension": sub_dimension}})  # fmt: skip
        for number, token in enumerate(issued["issueRespondentTokens"]):
            answers = [{"questionCode": code,
                        "score": min(4, max(1, round(chance.gauss(region.quality, 0.8))))}
                       for code in codes]  # fmt: skip
            key = f"bench-{tag}-{region.code}-{sub_dimension}-{number}"
            items.append({"campaignId": campaign_id, "respondentToken": token, "answers": answers,
                          "idempotencyKey": key})  # fmt: skip
    return items


async def ingestion(suite: Suite, live: list[national.Region]) -> dict[str, float]:
    items = []
    for region in live:
        items += await _citizens(suite, region, national.CITIZENS_PER_SUB_DIMENSION, "field")
    accepted = AcceptedResponses(campaigns=set(suite.citizen_campaigns.values()))
    await accepted.follow(suite.js)
    batches = [items[i : i + BATCH] for i in range(0, len(items), BATCH)]
    refused = 0

    async def field_app() -> None:
        nonlocal refused
        while batches:
            outcomes = (await suite.gateway(SUBMIT_MANY, {"items": batches.pop()}))[
                "submitResponses"
            ]
            refused += sum(1 for outcome in outcomes if outcome["error"])

    started = time.perf_counter()
    await asyncio.gather(*(field_app() for _ in range(CONCURRENCY)))
    accepted_in = time.perf_counter() - started
    await accepted.until(len(items) - refused, timeout=600)
    await accepted.stop()
    on_stream_in = time.perf_counter() - started
    await settled(suite)
    if refused:
        raise RuntimeError(f"{refused} of the benchmark's citizen responses were refused")
    return {
        "responses synced through the gateway": len(items),
        "ingestion through the gateway (responses/s)": len(items) / accepted_in,
        "ingestion, until all are on the stream (responses/s)": len(items) / on_stream_in,
    }


async def latency(suite: Suite, live: list[national.Region], samples: int) -> dict[str, float]:
    chance = random.Random(11)
    spare = {r.code: await _citizens(suite, r, math.ceil(samples / 18 / len(live)) + 1, "late")
             for r in live}  # fmt: skip
    await settled(suite)
    waited = []
    for _ in range(samples):
        region = chance.choice(live)
        item = spare[region.code].pop(chance.randrange(len(spare[region.code])))
        before = suite.cards.latest[region.code]["revision"]
        began = time.perf_counter()
        await suite.gateway(SUBMIT_ONE, {"i": item})
        arrived = await suite.cards.until(
            lambda r=region.code, b=before: suite.cards.latest[r]["revision"] > b, timeout=30
        )
        waited.append((arrived - began) * 1000)
    return {"response-to-scorecard p50 (ms)": percentile(waited, 50),
            "response-to-scorecard p95 (ms)": percentile(waited, 95),
            "response-to-scorecard p99 (ms)": percentile(waited, 99)}  # fmt: skip


async def gateway_overhead(suite: Suite, everywhere: list[national.Region]) -> dict[str, float]:
    direct = GraphQLClient(suite.gateway.http, f"{suite.scoring.base}/graphql", ADMIN)
    chance = random.Random(5)
    timings: dict[str, list[float]] = {"direct": [], "gateway": []}
    for number in range(1200):
        region = chance.choice(everywhere)
        for name, client in (("direct", direct), ("gateway", suite.gateway)):
            began = time.perf_counter()
            found = await client(SCORECARD, {"r": region.code, "c": region.cycle_id})
            if number >= 200:  # after warming up: connections, caches, the plan
                timings[name].append((time.perf_counter() - began) * 1000)
            assert found["scorecard"] is not None
    overhead = statistics.median(timings["gateway"]) - statistics.median(timings["direct"])
    return {"scorecard read from scoring directly p50 (ms)": statistics.median(timings["direct"]),
            "gateway overhead, difference of medians (ms)": overhead}  # fmt: skip


def peak_memory(suite: Suite) -> dict[str, float]:
    figures = {f"peak RSS {name} (MB)": peak_rss_mb(running.pid)
               for name, running in suite.services.items()}  # fmt: skip
    workers = descendants(suite.services["scoring"].pid)
    figures["peak RSS scoring's rules workers, largest (MB)"] = max(
        map(peak_rss_mb, workers), default=0.0
    )
    figures["peak RSS nats-server (MB)"] = peak_rss_mb(suite.nats.pid or 0)
    return figures


def percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(len(ordered) * percent / 100) - 1))]
