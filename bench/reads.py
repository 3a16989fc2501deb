"""Reads at national scale: pages of regions from the subgraphs directly and through the
gateway, at several sizes.

    python -m bench.reads [--sizes 100,514] [--seconds 10] [--clients 16] [--requests 200]

For each size, the whole suite runs as its own processes (`bench.suite`): the national
benchmark's year is put on the stream and scored, the catalog registers the regions and the
survey opens each region's assessor campaign through the gateway; once scoring has rescored
what that changed, side by side in the same run:
- `regions(first: 100) { code name }` asked of the catalog directly and through the gateway,
  one client at a time (p50, p99) and from `--clients` clients at once (req/s);
- the cross-subgraph page `regions(first: $n) { code name latestScorecard { finalIndex }
  campaigns { id } }`, `$n` from 1 to 100, through the gateway, the same two ways;
- one region with its index, `region(code) { name latestScorecard { finalIndex } }`,
  through the gateway, and its catalog part `region(code) { name }` directly.
The last column is each figure's growth from the first size to the last: a read whose cost
grows with the page and not with the country stays near x1.

    python -m bench.reads --up [--regions 100] [--citizens 1] [--requests 200]

The 100-region cross-subgraph page as a user meets it: `smartcity up` (each service reaching
the supervisor's store over its socket), `smartcity demo --regions N --citizens C` run
against it (the page reads no citizen's answer: 1 by default keeps the set-up short), then
the page with `$n` = 100 asked through the gateway from one keep-alive client, one request at
a time. Beside its p50 and p99: each process's CPU per page (from /proc) and the store's
commands per page (its `serverStatus` counters), which say where a page's time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pymongo

from bench import national
from bench.gateway import ms_at, timed_request
from bench.scoring import ADMIN
from bench.season import ROOT, demo_data, processes, stack_up, usage
from bench.suite import Suite, catch_up, running_suite, settled
from services.demo.cycle import once_known

NAMES = "query Names($n: Int!) { regions(first: $n) { code name } }"
PAGE = ("query Page($n: Int!) { regions(first: $n) "
        "{ code name latestScorecard { finalIndex } campaigns { id } } }")  # fmt: skip
ONE = "query One($code: String!) { region(code: $code) { name latestScorecard { finalIndex } } }"
ONE_NAME = "query OneName($code: String!) { region(code: $code) { name } }"
CREATE = "mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }"
OPEN = "mutation($i: OpenCampaignInput!) { openCampaign(input: $i) { id } }"
PAGE_SIZE = 100

Variables = Callable[[], dict[str, Any]]


def _client() -> httpx.AsyncClient:
    return httpx.AsyncClient(headers={"Authorization": f"Bearer {ADMIN}"}, timeout=60)


async def one_at_a_time(url: str, query: str, variables: Variables, requests: int) -> list[float]:
    async with _client() as client:
        for _ in range(10):  # warm up: connections, caches, the plan
            await timed_request(client, url, query, variables())
        return [await timed_request(client, url, query, variables()) for _ in range(requests)]


async def rate(
    url: str, query: str, variables: Variables, clients: int, seconds: float
) -> tuple[float, int]:
    """Answers a second, and how many requests failed (a subgraph's timeout, say)."""
    done = failed = 0
    deadline = time.perf_counter() + seconds

    async def loop() -> None:
        nonlocal done, failed
        async with _client() as client:
            while time.perf_counter() < deadline:
                try:
                    await timed_request(client, url, query, variables())
                    done += 1
                except RuntimeError:
                    failed += 1

    await asyncio.gather(*(loop() for _ in range(clients)))
    return done / seconds, failed


async def register(suite: Suite, everywhere: list[national.Region]) -> None:
    """The regions in the catalog, and each one's assessor campaign in the survey."""
    for region in everywhere:
        created = {"code": region.code, "name": f"Region {region.code}", "kind": "KOTA",
                   "province": "Bench", "cohort": region.cohort}  # fmt: skip
        await suite.gateway(CREATE, {"i": created})
    for region in everywhere:
        wanted = {"instrumentKey": "smartcity-evaluation-2023", "instrumentVersion": 1,
                  "regionCode": region.code, "cycleId": region.cycle_id,
                  "audience": "ASSESSOR"}  # fmt: skip
        await once_known(lambda wanted=wanted: suite.gateway(OPEN, {"i": wanted}), 60)


async def measure(regions: int, seconds: float, clients: int, requests: int) -> dict[str, float]:
    everywhere = national.regions(regions)
    codes = [r.code for r in everywhere]
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as scratch:
        async with running_suite(scratch) as suite:
            ports = {name: running.port for name, running in suite.services.items()}
            urls = {name: f"http://127.0.0.1:{port}/graphql" for name, port in ports.items()}
            print(f"{regions} regions: the year on the stream, scoring catching up", flush=True)
            await catch_up(suite, regions, frozenset())
            print(f"{regions} regions: regions and campaigns registered", flush=True)
            await register(suite, everywhere)
            await settled(suite)  # the registrations' rescoring done: nothing else runs
            print(f"{regions} regions: measuring", flush=True)
            page = min(PAGE_SIZE, regions)

            def names() -> dict[str, Any]:
                return {"n": page}

            def pages() -> dict[str, Any]:
                return {"n": random.randint(1, page)}

            def one() -> dict[str, Any]:
                return {"code": random.choice(codes)}

            for label, url, query, variables in (
                ("names, catalog directly", urls["catalog"], NAMES, names),
                ("names, through the gateway", urls["gateway"], NAMES, names),
                ("page across subgraphs, through the gateway", urls["gateway"], PAGE, pages),
                ("one region's name, catalog directly", urls["catalog"], ONE_NAME, one),
                ("one region and its index, through the gateway", urls["gateway"], ONE, one),
            ):
                latencies = await one_at_a_time(url, query, variables, requests)
                figures[f"{label}: p50 (ms)"] = ms_at(latencies, 0.5)
                figures[f"{label}: p99 (ms)"] = ms_at(latencies, 0.99)
                if "one region" not in label:
                    answered, failed = await rate(url, query, variables, clients, seconds)
                    figures[f"{label}: {clients} clients (req/s)"] = answered
                    figures[f"{label}: {clients} clients, failed requests"] = failed
    for name, value in figures.items():
        print(f"  {name}: {value:,.1f}", flush=True)
    return figures


async def measure_up(regions: int, citizens: int, requests: int) -> dict[str, float]:
    """The page on `smartcity up` over `smartcity demo --regions N` data: its latency, and
    per page each process's CPU and the store's commands."""
    with tempfile.TemporaryDirectory() as folder:
        async with stack_up(ROOT, Path(folder)) as stack:
            print(f"smartcity demo --regions {regions} --citizens {citizens}", flush=True)
            await demo_data(stack, Path(folder), regions, citizens)
            store = pymongo.MongoClient(_store_uri(stack.process.pid))
            page = {"n": min(PAGE_SIZE, regions)}
            async with _client() as client:
                for _ in range(20):  # warm up: connections, caches, the plan
                    await timed_request(client, stack.gateway_url, PAGE, page)
                cpu_before = usage(stack.process.pid)
                commands_before = _store_commands(store)
                latencies = [
                    await timed_request(client, stack.gateway_url, PAGE, page)
                    for _ in range(requests)
                ]
                cpu_after = usage(stack.process.pid)
                commands_after = _store_commands(store)
            store.close()
    figures = {
        "page of 100 regions across subgraphs on smartcity up: p50 (ms)": ms_at(latencies, 0.5),
        "page of 100 regions across subgraphs on smartcity up: p99 (ms)": ms_at(latencies, 0.99),
    }
    for name, value in cpu_after.items():
        if name.startswith("CPU s "):
            spent = (value - cpu_before.get(name, 0.0)) / requests * 1000
            figures[f"CPU per page (ms): {name.removeprefix('CPU s ')}"] = spent
    for name, count in commands_after.items():
        done = (count - commands_before.get(name, 0)) / requests
        if done:
            figures[f"store commands per page: {name}"] = done
    for name, value in figures.items():
        print(f"| {name} | {value:,.2f} |", flush=True)
    return figures


def _store_uri(supervisor: int) -> str:
    """The store's address, as `smartcity up` handed it to its services."""
    for pid in processes(supervisor).get("catalog", []):
        environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        for entry in environment:
            if entry.startswith(b"MONGODB_URI="):
                return entry.split(b"=", 1)[1].decode()
    raise RuntimeError("the catalog's MONGODB_URI was not found")


def _store_commands(store: pymongo.MongoClient[Any]) -> dict[str, int]:
    counters = store.admin.command("serverStatus")["opcounters"]
    return {name: int(count) for name, count in counters.items()}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100,514")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--up", action="store_true", help="the page on `smartcity up`")
    parser.add_argument("--regions", type=int, default=100, help="with --up: the demo's size")
    parser.add_argument(
        "--citizens", type=int, default=1, help="with --up: per sub-dimension (the page reads none)"
    )
    args = parser.parse_args()
    if args.up:
        asyncio.run(measure_up(args.regions, args.citizens, args.requests))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {
        size: asyncio.run(measure(size, args.seconds, args.clients, args.requests))
        for size in sizes
    }
    first, last = sizes[0], sizes[-1]
    print(f"| read | {' | '.join(f'{s} regions' for s in sizes)} | growth {first}→{last} |")
    print(f"|---|{'---|' * len(sizes)}---|")
    for name in results[first]:
        values = " | ".join(f"{results[s][name]:,.1f}" for s in sizes)
        growth = results[last][name] / results[first][name] if results[first][name] else 0
        print(f"| {name} | {values} | x{growth:.2f} |")


if __name__ == "__main__":
    main()
