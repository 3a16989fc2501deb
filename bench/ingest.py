"""Citizen-response ingestion through the survey's /graphql, against a real nats-server.

    python -m bench.ingest [--regions 2] [--batch 100] [--concurrency 4] [--singles 300]

The benchmark plays the catalog (it publishes the regions and the cycle as catalog events),
runs the survey as its own process, then measures batched ingestion, single-submit latency
and how long the outbox relay takes to put every accepted response on the stream.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import nats

from bench.accepted import AcceptedResponses
from bench.service import graphql, serving
from services.contracts.events import catalog
from services.embedded.natsserver import NatsServer
from services.kernel import auth, events
from services.kernel.events import Event
from services.kernel.messaging import ensure_stream

SECRET = "b3nch-Hq8w2Zr5Tk1Vn7Xc4Lm9Pd6Fs0Jg3Yb5Ne8Ua2Oi7"
CYCLE = "bench-cycle-2023"
IMPACT = "citizen-impact-2023"
SUB_DIMENSIONS = [
    "public_service", "public_policy", "bureaucracy", "tourism", "business", "city_appearance",
    "industry", "welfare", "transaction", "harmony", "health", "mobility",
    "community", "education", "security", "protection", "waste", "energy",
]  # fmt: skip
ADMIN = auth.mint(SECRET, auth.Role.ADMIN, subject="bench")


async def publish_catalog_facts(url: str, regions: list[str]) -> None:
    client = await nats.connect(url)
    js = client.jetstream()
    await ensure_stream(js)
    published: list[Event] = [
        catalog.RegionRegistered(code=c, name=c, kind="kota", province="bench", cohort="bench",
                                 area_km2=None, vision="")
        for c in regions
    ]  # fmt: skip
    published.append(catalog.CycleOpened(id=CYCLE, year=2023, stage="tahap_2", cohort="bench",
                                         opens_on="2023-01-01", closes_on="2023-12-31",
                                         region_codes=tuple(regions)))  # fmt: skip
    facts = [events.envelope(event, "/smartcity/catalog") for event in published]
    for fact in facts:
        subject = events.nats_subject(fact)
        await js.publish(subject, events.encode(fact), headers={"Nats-Msg-Id": fact["id"]})
    await client.close()


class Survey:
    def __init__(self, client: httpx.AsyncClient, url: str) -> None:
        self.client, self.url = client, url

    async def call(
        self, query: str, variables: dict[str, Any], bearer: str = ADMIN
    ) -> dict[str, Any]:
        return await graphql(self.client, self.url, query, variables, bearer)

    async def open_campaign(self, region: str) -> str:
        data = await self.call(
            "mutation($i: OpenCampaignInput!) { openCampaign(input: $i) { id } }",
            {"i": {"instrumentKey": IMPACT, "instrumentVersion": 1, "regionCode": region,
                   "cycleId": CYCLE, "audience": "CITIZEN"}},
        )  # fmt: skip
        return str(data["openCampaign"]["id"])

    async def tokens(self, campaign_id: str, sub_dimension: str, count: int) -> list[str]:
        data = await self.call(
            "mutation($i: IssueRespondentTokensInput!) { issueRespondentTokens(input: $i) }",
            {"i": {"campaignId": campaign_id, "count": count, "subDimension": sub_dimension}},
        )
        return list(data["issueRespondentTokens"])


def citizen_item(campaign_id: str, token: str, sub_index: int, number: int) -> dict[str, Any]:
    answers = [
        {
            "questionCode": f"D.{sub_index // 3 + 1}.{sub_index % 3 + 1}.{q}",
            "score": 1 + (number + q) % 4,
        }
        for q in (1, 2, 3)
    ]
    return {"campaignId": campaign_id, "idempotencyKey": f"bench-{uuid.uuid4().hex}",
            "answers": answers, "respondentToken": token}  # fmt: skip


BATCH = """mutation($items: [SubmitResponseInput!]!) { submitResponses(inputs: $items) {
  index error { code message } } }"""
SINGLE = "mutation($i: SubmitResponseInput!) { submitResponse(input: $i) { response { id } } }"


async def prepare(
    survey: Survey, regions: list[str], per_sub_dimension: int
) -> list[dict[str, Any]]:
    """Campaigns opened (once the survey has learnt the cycle) and one item per citizen token."""
    items = []
    for region in regions:
        for _ in range(100):
            try:
                campaign_id = await survey.open_campaign(region)
                break
            except RuntimeError:
                await asyncio.sleep(0.1)
        for sub_index, sub_dimension in enumerate(SUB_DIMENSIONS):
            tokens = await survey.tokens(campaign_id, sub_dimension, per_sub_dimension)
            items += [citizen_item(campaign_id, t, sub_index, n) for n, t in enumerate(tokens)]
    return items


async def run(args: argparse.Namespace) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as scratch, NatsServer(Path(scratch) / "nats") as server:
        async with serving("survey", server.url, scratch, SECRET) as survey_process:
            port = survey_process.port
            regions = [f"90.{n:02d}" for n in range(1, args.regions + 1)]
            await publish_catalog_facts(server.url, regions)
            limits = httpx.Limits(max_connections=args.concurrency + 2)
            async with httpx.AsyncClient(timeout=60, limits=limits) as client:
                survey = Survey(client, f"http://127.0.0.1:{port}/graphql")
                items = await prepare(survey, regions, 50)
                singles, items = items[: args.singles], items[args.singles :]
                return await measure(survey, server.url, items, singles, args)


async def measure(
    survey: Survey,
    nats_url: str,
    items: list[dict[str, Any]],
    singles: list[dict[str, Any]],
    args: Any,
) -> dict[str, float]:
    client = await nats.connect(nats_url)
    accepted = AcceptedResponses()
    await accepted.follow(client.jetstream())
    try:
        return await _measure(survey, accepted, items, singles, args)
    finally:
        await client.close()


async def _measure(
    survey: Survey,
    accepted: AcceptedResponses,
    items: list[dict[str, Any]],
    singles: list[dict[str, Any]],
    args: Any,
) -> dict[str, float]:
    batches = [items[i : i + args.batch] for i in range(0, len(items), args.batch)]
    queue: asyncio.Queue[list[dict[str, Any]]] = asyncio.Queue()
    for batch in batches:
        queue.put_nowait(batch)
    refused = 0

    async def worker() -> None:
        nonlocal refused
        while not queue.empty():
            batch = queue.get_nowait()
            data = await survey.call(BATCH, {"items": batch})
            refused += sum(1 for item in data["submitResponses"] if item["error"])

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(args.concurrency)))
    batch_seconds = time.perf_counter() - started
    lagging = len(items) - refused - accepted.distinct
    latencies = []
    for item in singles:
        began = time.perf_counter()
        await survey.call(SINGLE, {"i": item})
        latencies.append((time.perf_counter() - began) * 1000)
    total = len(items) + len(singles)
    drain_started = time.perf_counter()
    while accepted.distinct < total - refused:
        if time.perf_counter() - drain_started > 120:
            break
        await asyncio.sleep(0.2)
    latencies.sort()
    return {
        "responses in batches": len(items),
        "refused": refused,
        "batched responses/s": len(items) / batch_seconds,
        "events not yet relayed when the batches ended": lagging,
        "single submits": len(singles),
        "single p50 ms": statistics.median(latencies),
        "single p95 ms": latencies[int(len(latencies) * 0.95) - 1],
        "single p99 ms": latencies[int(len(latencies) * 0.99) - 1],
        "accepted responses on stream": accepted.distinct,
        "relay drain after last submit s": time.perf_counter() - drain_started,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--regions", type=int, default=2, help="900 citizens each")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--singles", type=int, default=300)
    args = parser.parse_args()
    figures = asyncio.run(run(args))
    print("| measure | value |\n|---|---|")
    for name, value in figures.items():
        print(
            f"| {name} | {value:,.1f} |" if isinstance(value, float) else f"| {name} | {value:,} |"
        )


if __name__ == "__main__":
    main()
