"""The gateway's cost: overhead against a subgraph queried directly, cross-subgraph
throughput, and planning an operation it has not seen.

    python -m bench.gateway [--regions 100] [--requests 2000] [--seconds 10] [--concurrency 16]
                            [--distinct 500] [--traced]

Catalog, survey, scoring and the gateway each run as their own process over a real
nats-server, as `smartcity serve` runs them. The benchmark creates the regions, then
- overhead: the same single-subgraph query (a plan-cache hit after the first) sent one at a
  time straight to catalog and through the gateway; the difference of the medians;
- throughput: `regions(first: $n) { code name latestScorecard { finalIndex } campaigns { id } }`
  through the gateway, `$n` from 1 to the number of regions, from several clients at once;
  and in the same run, for scale, catalog's own `regions(first: $n) { code name }` asked
  directly the same way: the ratio of the two rates is what a machine's speed cancels from;
- plan-cache misses: `--distinct` operations the gateway has not seen (each names its fields
  under other aliases), sent one at a time: each is parsed, checked, planned and run; their
  p50 and p99 beside the same operations sent again (plan-cache hits).
With `--traced`, every process records OpenTelemetry spans and exports them over OTLP/HTTP
to a sink the benchmark runs (it answers 200 and counts what it receives), as a deployment
with a collector would; without it, none is recorded.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench.service import serving
from services.embedded.natsserver import NatsServer
from services.kernel import auth

SECRET = "b3nch-Hq8w2Zr5Tk1Vn7Xc4Lm9Pd6Fs0Jg3Yb5Ne8Ua2Oi7"
ADMIN = auth.mint(SECRET, auth.Role.ADMIN, subject="bench")
SINGLE = "query One($code: String!) { region(code: $code) { code name province cohort } }"
CROSS = (
    "query Many($n: Int!) { regions(first: $n) "
    "{ code name latestScorecard { finalIndex } campaigns { id } } }"
)
CREATE = "mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }"
DIRECT = "query Direct($n: Int!) { regions(first: $n) { code name } }"


def distinct_operation(index: int) -> str:
    """An operation of its own: the cross-subgraph query, its fields under aliases no other
    operation uses."""
    return (
        f"query Distinct{index}($n: Int!) {{ regions(first: $n) {{ c{index}: code "
        f"n{index}: name latestScorecard {{ f{index}: finalIndex }} "
        f"campaigns {{ i{index}: id }} }} }}"
    )


def _codes(count: int) -> list[str]:
    return [f"{11 + i // 90}.{10 + i % 90}" for i in range(count)]


async def timed_request(
    client: httpx.AsyncClient, url: str, query: str, variables: dict[str, object]
) -> float:
    started = time.perf_counter()
    response = await client.post(url, json={"query": query, "variables": variables})
    elapsed = time.perf_counter() - started
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"{url} answered {response.status_code}: {body}")
    return elapsed


def ms_at(seconds: list[float], share: float) -> float:
    return sorted(seconds)[min(len(seconds) - 1, int(share * len(seconds)))] * 1000


async def _sequential(
    client: httpx.AsyncClient, url: str, codes: list[str], requests: int
) -> list[float]:
    for code in codes[:50]:  # warm up: connections, caches, the plan
        await timed_request(client, url, SINGLE, {"code": code})
    return [
        await timed_request(client, url, SINGLE, {"code": random.choice(codes)})
        for _ in range(requests)
    ]


async def _throughput(
    url: str, regions: int, seconds: float, concurrency: int, query: str = CROSS
) -> tuple[int, list[float]]:
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def client_loop() -> None:
        async with httpx.AsyncClient(
            headers={"Authorization": f"Bearer {ADMIN}"}, timeout=30
        ) as client:
            while time.perf_counter() < deadline:
                variables = {"n": random.randint(1, regions)}
                latencies.append(await timed_request(client, url, query, variables))

    await asyncio.gather(*(client_loop() for _ in range(concurrency)))
    return len(latencies), latencies


async def _distinct(url: str, count: int, regions: int) -> tuple[list[float], list[float]]:
    """Each distinct operation once (a plan-cache miss), then each again (a hit)."""
    operations = [distinct_operation(i) for i in range(count)]
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {ADMIN}"}, timeout=30) as c:
        await timed_request(c, url, CROSS, {"n": regions})  # warm up the connections
        misses = [await timed_request(c, url, op, {"n": regions}) for op in operations]
        hits = [await timed_request(c, url, op, {"n": regions}) for op in operations]
    return misses, hits


class TraceSink:
    """An OTLP/HTTP endpoint that takes whatever is sent, answers 200 and counts it."""

    def __init__(self) -> None:
        self.requests = 0
        self.bytes = 0

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            while head := await reader.readuntil(b"\r\n\r\n"):
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)  # fmt: skip
                self.bytes += len(await reader.readexactly(length))
                self.requests += 1
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                await writer.drain()
        writer.close()


async def run(
    regions: int,
    requests: int,
    seconds: float,
    concurrency: int,
    distinct: int = 500,
    traced: bool = False,
) -> None:
    data_dir = tempfile.mkdtemp(prefix="bench-gateway-")
    sink = TraceSink()
    with NatsServer(store_dir=Path(data_dir) / "nats").start() as nats_server:
        async with contextlib.AsyncExitStack() as stack:
            tracing_env = {}
            if traced:
                server = await asyncio.start_server(sink.serve, "127.0.0.1", 0)
                stack.push_async_callback(server.wait_closed)
                stack.callback(server.close)
                port = server.sockets[0].getsockname()[1]
                tracing_env = {"OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{port}"}
            urls = {}
            for name in ("catalog", "survey", "scoring"):
                running = await stack.enter_async_context(
                    serving(name, nats_server.url, data_dir, SECRET, tracing_env)
                )
                urls[name] = f"http://127.0.0.1:{running.port}/graphql"
            env = {f"{name.upper()}_URL": url for name, url in urls.items()} | tracing_env
            gateway = await stack.enter_async_context(
                serving("gateway", nats_server.url, data_dir, SECRET, env)
            )
            gateway_url = f"http://127.0.0.1:{gateway.port}/graphql"
            codes = _codes(regions)
            async with httpx.AsyncClient(
                headers={"Authorization": f"Bearer {ADMIN}"}, timeout=30
            ) as client:
                for code in codes:
                    region = {
                        "code": code,
                        "name": f"Kota {code}",
                        "kind": "KOTA",
                        "province": "Bench",
                        "cohort": "2023",
                    }
                    await timed_request(client, urls["catalog"], CREATE, {"i": region})
                direct = await _sequential(client, urls["catalog"], codes, requests)
                through = await _sequential(client, gateway_url, codes, requests)
            count, latencies = await _throughput(gateway_url, regions, seconds, concurrency)
            direct_count, _ = await _throughput(
                urls["catalog"], regions, seconds, concurrency, DIRECT
            )
            misses, hits = await _distinct(gateway_url, distinct, regions)
    print(f"gateway benchmark: {regions} regions, {requests} sequential requests each way, "
          f"traces {'recorded and exported' if traced else 'off'}")  # fmt: skip
    print("| measure (ms) | p50 | p95 | p99 |")
    print("|---|---|---|---|")
    for label, values in (("catalog directly", direct), ("through the gateway", through)):
        shares = " | ".join(f"{ms_at(values, share):.2f}" for share in (0.5, 0.95, 0.99))
        print(f"| single-subgraph query, {label} | {shares} |")
    overhead = statistics.median(through) - statistics.median(direct)
    print(f"gateway overhead, difference of medians: {overhead * 1000:.2f} ms (target < 2 ms)")
    shares = ", ".join(f"p{int(s * 100)} {ms_at(latencies, s):.1f} ms" for s in (0.5, 0.95, 0.99))
    rate = count / seconds
    print(f"cross-subgraph query, {concurrency} clients, {seconds:g} s: {rate:.0f} req/s, {shares}")
    direct_rate = direct_count / seconds
    print(
        f"catalog's regions asked directly, same clients and time: {direct_rate:.0f} req/s; "
        f"the gateway's cross-subgraph rate is {rate / direct_rate:.2f} of it"
    )
    for label, values in ((f"{distinct} distinct operations, plan-cache misses", misses),
                          ("the same operations again, plan-cache hits", hits)):  # fmt: skip
        shares = ", ".join(f"p{int(s * 100)} {ms_at(values, s):.1f} ms" for s in (0.5, 0.99))
        print(f"{label}: {shares}")
    if traced:
        print(f"spans exported: {sink.requests} OTLP requests, {sink.bytes / 1e6:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--regions", type=int, default=100)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--distinct", type=int, default=500)
    parser.add_argument("--traced", action="store_true", help="record and export spans")
    args = parser.parse_args()
    asyncio.run(run(args.regions, args.requests, args.seconds, args.concurrency, args.distinct,
                    args.traced))  # fmt: skip


if __name__ == "__main__":
    main()
