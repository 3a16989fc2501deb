"""Subscriptions through the gateway: events delivered to 100 and to 1,000 subscribers, the
gateway's CPU per event, and what 1,000 idle subscriptions hold in memory.

    python -m bench.subscriptions [--regions 100] [--sizes 100,1000] [--per-token 10]
                                  [--idle-seconds 30]

`smartcity up` runs with `smartcity demo --regions N --citizens 1` data. Subscribers are
WebSocket clients (`graphql-transport-ws`) in this process, `--per-token` subscriptions on
each connection, one token (a ministry user of its own) per connection; each follows
`scorecardChanged(cycleId)` of the demo's open cycle, with the region's name joined from
the catalog. Identical subscriptions of one token share one stream from scoring, so the
gateway holds one stream per token: subscribers / per-token of them.

First the gateway is left idle with no subscriber for `--idle-seconds`, for comparison. For
each size: the subscribers subscribe; the gateway's resident memory is read, held idle
for `--idle-seconds` and read again; then the active rule set is drafted again and activated,
so every region's scorecard is stored and published once, and every subscriber waits for
all of them. Reported: the events delivered per second (from the activation to the last
subscriber's last event), and the gateway's CPU per event received from scoring (one per
stream and region) and per event delivered to a subscriber.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import websockets

from bench.memory import rss_mb
from bench.scoring import ADMIN, SECRET
from bench.season import ROOT, demo_data, processes, stack_up, usage
from services.kernel import auth
from services.kernel.graphql_client import GraphQLClient

CHANGED = """subscription($c: String!) { scorecardChanged(cycleId: $c) {
  regionCode region { name } scorecard { finalIndex rulesetVersion } } }"""
CYCLES = "{ evaluationCycles { id status year } }"
RANKING = "query($c: String!) { ranking(cycleId: $c) { regionCode } }"
RULE_SETS = "query { ruleSets(first: 20) { id text status } }"
DRAFT = "mutation($i: DraftRuleSetInput!) { draftRuleSet(input: $i) { id version } }"
ACTIVATE = "mutation($id: ID!) { activateRuleSet(id: $id) { version } }"
SETTLE_SECONDS = 5.0


class Connection:
    """One WebSocket with its subscriptions, counting each one's events by rule set."""

    def __init__(self, url: str, bearer: str, cycle_id: str, count: int) -> None:
        self.url, self.bearer, self.cycle_id, self.count = url, bearer, cycle_id, count
        self.received: dict[int, int] = {}  # rule set version -> events, all subscriptions
        self.last_at = 0.0
        self.ready = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        async with websockets.connect(
            self.url,
            subprotocols=["graphql-transport-ws"],
            max_size=None,  # type: ignore[list-item]
        ) as socket:
            init = {
                "type": "connection_init",
                "payload": {"Authorization": f"Bearer {self.bearer}"},
            }
            await socket.send(json.dumps(init))
            json.loads(await socket.recv())
            for n in range(self.count):
                payload = {"query": CHANGED, "variables": {"c": self.cycle_id}}
                await socket.send(
                    json.dumps({"id": str(n), "type": "subscribe", "payload": payload})
                )
            self.ready.set()
            async for raw in socket:
                message = json.loads(raw)
                if message.get("type") != "next":
                    raise RuntimeError(f"a subscription was refused or ended: {message}")
                version = message["payload"]["data"]["scorecardChanged"]["scorecard"][
                    "rulesetVersion"
                ]
                self.received[version] = self.received.get(version, 0) + 1
                self.last_at = time.perf_counter()


def gateway_pid(root: int) -> int:
    return processes(root)["gateway"][0]


async def idle_rss(pid: int, seconds: float, who: str) -> tuple[float, float]:
    """The gateway left idle for `seconds`, its RSS read ten times on the way (printed): the
    last reading, and how much it grew over the second half (whether growth levels off)."""
    readings = []
    for _ in range(10):
        await asyncio.sleep(seconds / 10)
        readings.append(rss_mb(pid))
    print(f"{who}: gateway RSS every {seconds / 10:g} s idle (MB): "
          + ", ".join(f"{r:.1f}" for r in readings), flush=True)  # fmt: skip
    return readings[-1], readings[-1] - readings[4]


async def measure(
    admin: GraphQLClient, stack: Any, cycle_id: str, regions: int, subscribers: int,
    per_token: int, idle_seconds: float, serial: itertools.count[int],
) -> dict[str, float]:  # fmt: skip
    url = stack.gateway_url.replace("http://", "ws://")
    pid = gateway_pid(stack.process.pid)
    before = rss_mb(pid)
    connections = []
    for _ in range(max(1, subscribers // per_token)):
        bearer = auth.mint(SECRET, auth.Role.MINISTRY, subject=f"dashboard-{next(serial)}")
        connection = Connection(url, bearer, cycle_id, min(per_token, subscribers))
        connection.task = asyncio.create_task(connection.run())
        connections.append(connection)
    await asyncio.gather(*(c.ready.wait() for c in connections))
    await asyncio.sleep(SETTLE_SECONDS)  # every stream from scoring in place
    held = rss_mb(pid)
    idle, late_growth = await idle_rss(pid, idle_seconds, f"{subscribers} subscribers")

    found = (await admin(RULE_SETS, {}))["ruleSets"]
    active = next(r for r in found if r["status"] == "active")
    drafted = (await admin(DRAFT, {"i": {"text": active["text"]}}))["draftRuleSet"]
    version = int(drafted["version"])
    cpu_before = usage(stack.process.pid)["CPU s gateway"]
    began = time.perf_counter()
    await admin(ACTIVATE, {"id": drafted["id"]})
    wanted = regions * subscribers
    while sum(c.received.get(version, 0) for c in connections) < wanted:
        failed = [c.task for c in connections if c.task and c.task.done()]
        if failed:
            failed[0].result()
        if time.perf_counter() - began > 600:
            raise TimeoutError("the subscribers did not receive every scorecard")
        await asyncio.sleep(0.05)
    ended = max(c.last_at for c in connections)
    cpu = usage(stack.process.pid)["CPU s gateway"] - cpu_before
    for connection in connections:
        if connection.task:
            connection.task.cancel()
    await asyncio.gather(*(c.task for c in connections if c.task), return_exceptions=True)
    streams = len(connections)
    size = f"{subscribers} subscribers"
    return {
        f"{size}: events delivered per second": wanted / (ended - began),
        f"{size}: from the activation to the last subscriber's last event (s)": ended - began,
        f"{size}: gateway CPU per event from scoring (ms)": cpu / (regions * streams) * 1000,
        f"{size}: gateway CPU per event delivered (ms)": cpu / wanted * 1000,
        f"{size}: streams from scoring": float(streams),
        f"{size}: gateway RSS growth when subscribed (MB)": held - before,
        f"{size}: gateway RSS growth over {idle_seconds:g} s idle (MB)": idle - held,
        f"{size}: of which in its second half (MB)": late_growth,
        f"{size}: gateway RSS per subscription (KB)": (held - before) * 1024 / subscribers,
    }


async def run(args: argparse.Namespace) -> dict[str, float]:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        async with stack_up(ROOT, Path(folder)) as stack, httpx.AsyncClient(timeout=300) as http:
            await demo_data(stack, Path(folder), args.regions, 1)
            admin = GraphQLClient(http, stack.gateway_url, ADMIN)
            cycles = (await admin(CYCLES, {}))["evaluationCycles"]
            cycle_id = next(c["id"] for c in cycles if c["status"] == "OPEN")
            regions = len((await admin(RANKING, {"c": cycle_id}))["ranking"])
            print(f"the open cycle has {regions} scorecards", flush=True)
            serial = itertools.count(1)
            pid = gateway_pid(stack.process.pid)
            quiet = rss_mb(pid)  # the same wait with no subscription:
            idle, late_growth = await idle_rss(pid, args.idle_seconds, "no subscriber")
            none = "no subscriber: gateway RSS growth"
            figures[f"{none} over {args.idle_seconds:g} s idle (MB)"] = idle - quiet
            figures["no subscriber: of which in its second half (MB)"] = late_growth
            for size in args.sizes:
                print(f"{size} subscribers", flush=True)
                figures |= await measure(
                    admin, stack, cycle_id, regions, size, args.per_token, args.idle_seconds,
                    serial,
                )  # fmt: skip
    for name, value in figures.items():
        print(f"| {name} | {value:,.2f} |", flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--regions", type=int, default=100)
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--per-token", type=int, default=10)
    parser.add_argument("--idle-seconds", type=float, default=30.0)
    args = parser.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",")]
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
