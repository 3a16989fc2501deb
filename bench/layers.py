"""Where a page's time goes in each subgraph: HTTP, GraphQL execution and resolvers, storage.

    python -m bench.layers [--regions 100] [--requests 200]

The suite runs as its own processes with the national benchmark's year, the regions and
their campaigns, as `bench.reads` prepares it. Each subgraph is then asked its part of the
cross-subgraph page for 100 regions directly, one request at a time: the catalog the list,
scoring and survey the `_entities` the gateway sends them. Each answer's `Server-Timing`
header splits the time the client saw into the GraphQL view and its storage round trips; the
rest is HTTP, authentication and JSON outside the view.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import tempfile
import time
from typing import Any

import httpx

from bench import national
from bench.gateway import ms_at
from bench.reads import register
from bench.scoring import ADMIN
from bench.suite import catch_up, running_suite, settled

TIMING = re.compile(r'graphql;dur=([\d.]+), storage;dur=([\d.]+);desc="(\d+) round trips"')
ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Region { %s } } }"
WARM_UP = 20


def parts(codes: list[str]) -> dict[str, tuple[str, dict[str, Any]]]:
    representations = [{"__typename": "Region", "code": code} for code in codes]
    return {
        "catalog": ("query($n: Int!) { regions(first: $n) { code name } }", {"n": len(codes)}),
        "scoring": (ENTITIES % "latestScorecard { finalIndex }", {"r": representations}),
        "survey": (ENTITIES % "campaigns { id }", {"r": representations}),
    }


async def timed(client: httpx.AsyncClient, url: str, query: str, variables: dict[str, Any]):
    started = time.perf_counter()
    response = await client.post(url, json={"query": query, "variables": variables})
    total = time.perf_counter() - started
    if "errors" in response.json():
        raise RuntimeError(response.text[:300])
    stated = TIMING.search(response.headers["server-timing"])
    if stated is None:
        raise RuntimeError(f"no storage timing in {response.headers['server-timing']!r}")
    view, storage, trips = stated.groups()
    return total * 1000, float(view), float(storage), int(trips)


async def measure(regions: int, requests: int) -> None:
    everywhere = national.regions(regions)
    with tempfile.TemporaryDirectory() as scratch:
        async with running_suite(scratch) as suite:
            await catch_up(suite, regions, frozenset())
            await register(suite, everywhere)
            await settled(suite)
            headers = {"Authorization": f"Bearer {ADMIN}"}
            print("| subgraph | client p50 | outside the view | view | storage (round trips) "
                  "| execution and resolvers | client p99 |")  # fmt: skip
            print("|---|---|---|---|---|---|---|")
            async with httpx.AsyncClient(headers=headers, timeout=60) as client:
                for name, (query, variables) in parts([r.code for r in everywhere][:100]).items():
                    url = f"http://127.0.0.1:{suite.services[name].port}/graphql"
                    rows = [await timed(client, url, query, variables)
                            for _ in range(WARM_UP + requests)][WARM_UP:]  # fmt: skip
                    total, view, storage = ([r[i] for r in rows] for i in range(3))
                    p50 = statistics.median
                    print(f"| {name} | {p50(total):.1f} ms | {p50(total) - p50(view):.1f} "
                          f"| {p50(view):.1f} | {p50(storage):.1f} ({rows[-1][3]}) "
                          f"| {p50(view) - p50(storage):.1f} "
                          f"| {ms_at([t / 1000 for t in total], 0.99):.1f} ms |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--regions", type=int, default=100)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(measure(args.regions, args.requests))


if __name__ == "__main__":
    main()
