"""The national season on the embedded stack, this commit beside an earlier one.

    python -m bench.season [--regions 514] [--citizens 50] [--bursts 4] [--against HEAD~1]
                           [--report bench/REPORT.md]

For each side, in a fresh scratch folder: `smartcity up` of that side's code (the earlier
commit's from a git worktree under `build/`), then the season driven through its gateway by
this commit's demo (`services.demo.cycle`, as `smartcity demo --bursts` runs it): the
national regions registered, a cycle opened, five assessors each scoring the 2023 instrument
in one request per region, 50 citizens per sub-dimension synced by the field apps in batches
of 100, the evidence in growing bursts with the rule set activated again halfway, until every
region's scorecard rests on all of it. Then, on the same stack:
- full rescore: one more activation, until every region's scorecard under it is published;
- latency: one assessor's changed score at a time through the gateway, until the region's
  new scorecard event reaches a subscriber;
- memory and CPU of each process (scoring's rules workers summed), read from /proc;
- catch-up: the stack stopped, scoring alone started again on the year's stream with an
  empty store, until it has projected every event and scored every region.
Both sides run the same driver, so only the suite's code differs. The table gives each
line for both and their ratio (this commit / the earlier one).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import nats

from bench.memory import descendants, peak_rss_mb
from bench.scoring import PUBLISHED, SECRET, Scorecards, Scoring, caught_up
from bench.service import serving
from services.demo.cycle import EvaluationCycle, Plan
from services.embedded.natsserver import NatsServer
from services.kernel import auth
from services.kernel.graphql_client import GraphQLClient
from services.kernel.messaging import STREAM
from services.kernel.processes import free_port

ROOT = Path(__file__).resolve().parents[1]
ADMIN = auth.mint(SECRET, auth.Role.ADMIN, subject="bench")
PARTS = ("catalog", "survey", "scoring", "gateway")
TICKS = os.sysconf("SC_CLK_TCK")
QUESTION = "A.1.1.1"
SCORE_ONE = """mutation($i: ScoreAnswerInput!) { scoreAnswer(input: $i) { revision } }"""
CAMPAIGNS = """query($c: String!) { campaigns(cycleId: $c, audience: ASSESSOR, first: 100) {
  id regionCode } }"""


@dataclass
class Timeline:
    """Where the demo's driver spent its time, stage by stage (its progress reports)."""

    spent: dict[str, float] = field(default_factory=dict)
    done: dict[str, int] = field(default_factory=dict)
    _stage: str = ""
    _since: float = 0.0

    def stage(self, name: str, total: int) -> None:
        self._close()
        self._stage, self._since = name, time.perf_counter()

    def advance(self, amount: int = 1) -> None:
        self.done[self._stage] = self.done.get(self._stage, 0) + amount

    def _close(self) -> None:
        if self._stage:
            self.spent[self._stage] = self.spent.get(self._stage, 0.0) + (
                time.perf_counter() - self._since
            )

    def close(self) -> None:
        self._close()
        self._stage = ""


@dataclass(frozen=True)
class Stack:
    process: asyncio.subprocess.Process
    gateway_url: str
    nats_url: str
    data_dir: Path


@contextlib.asynccontextmanager
async def stack_up(code: Path, scratch: Path) -> AsyncIterator[Stack]:
    """`smartcity up` of the code in `code`, ready, and stopped afterwards."""
    ports = {name: free_port() for name in (*PARTS, "nats")}
    env = os.environ | {
        "SMARTCITY_JWT_SECRET": SECRET, "SMARTCITY_DATA_DIR": str(scratch / "data"),
        "SMARTCITY_CONFIG_DIR": str(scratch / "config"), "PYTHONPATH": str(code),
    }  # fmt: skip
    options = [a for name, port in ports.items() for a in (f"--{name}-port", str(port))]
    command = [sys.executable, "-m", "services.cli", "up", "--no-demo", *options]
    log = (scratch / "up.log").open("wb")  # the driver seeds the demo data itself
    process = await asyncio.create_subprocess_exec(
        *command, cwd=code, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    gateway = f"http://127.0.0.1:{ports['gateway']}/graphql"
    try:
        await _ready(gateway.removesuffix("/graphql") + "/readyz", process)
        yield Stack(process, gateway, f"nats://127.0.0.1:{ports['nats']}", scratch / "data")
    finally:
        if process.returncode is None:
            process.terminate()
            await asyncio.wait_for(process.wait(), timeout=120)
        log.close()
        kept = ROOT / "build" / f"season-up-{code.name}.log"  # what the stack said, kept
        kept.parent.mkdir(exist_ok=True)
        shutil.copyfile(scratch / "up.log", kept)


async def demo_data(stack: Stack, scratch: Path, regions: int, citizens: int) -> None:
    """`smartcity demo` into `stack` (as `stack_up(..., scratch)` started it): `regions` of the
    national list, their assessors and cycle, and `citizens` responses a region."""
    demo = [sys.executable, "-m", "services.cli", "demo", "--regions", str(regions),
            "--citizens", str(citizens), "--gateway", stack.gateway_url,
            "--token", ADMIN]  # fmt: skip
    seeding = await asyncio.create_subprocess_exec(
        *demo, cwd=ROOT, stdout=asyncio.subprocess.DEVNULL,
        env=os.environ | {"SMARTCITY_CONFIG_DIR": str(scratch / "config"),
                          "SMARTCITY_JWT_SECRET": SECRET},
    )  # fmt: skip
    if await seeding.wait() != 0:
        raise RuntimeError("smartcity demo failed")


async def _ready(url: str, process: asyncio.subprocess.Process) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(1200):
            if process.returncode is not None:
                raise RuntimeError("smartcity up exited at start-up")
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(url)).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise TimeoutError("the stack did not get ready")


def _cmdline(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    return ""


def _cpu_seconds(pid: int) -> float:
    with contextlib.suppress(OSError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    return 0.0


def processes(root: int) -> dict[str, list[int]]:
    """The stack's processes by part: the supervisor (which serves the in-memory store), each
    service, nats-server, scoring's rules workers."""
    found: dict[str, list[int]] = {"supervisor and its store": [root]}
    for pid in descendants(root):
        line = _cmdline(pid)
        part = next((p for p in PARTS if f"serve {p}" in line), None)
        if part is None:
            part = "nats-server" if "nats-server" in line else (
                "rules workers" if "multiprocessing" in line else "store")  # fmt: skip
        found.setdefault(part, []).append(pid)
    return found


def usage(root: int) -> dict[str, float]:
    figures: dict[str, float] = {}
    for part, pids in sorted(processes(root).items()):
        figures[f"CPU s {part}"] = sum(_cpu_seconds(pid) for pid in pids)
        figures[f"peak RSS MB {part}"] = max(peak_rss_mb(pid) for pid in pids)
    return figures


async def season(code: Path, args: argparse.Namespace, say: Any) -> dict[str, float]:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        async with stack_up(code, scratch) as stack, httpx.AsyncClient(timeout=300) as http:
            admin = GraphQLClient(http, stack.gateway_url, ADMIN)
            client = await nats.connect(stack.nats_url)
            cards = Scorecards()
            await client.subscribe(PUBLISHED, cb=cards.receive)
            plan = Plan(regions=args.regions, citizens_per_sub_dimension=args.citizens,
                        scoring_wait_seconds=3600, bursts=args.bursts)  # fmt: skip
            timeline = Timeline()

            def mint(role: auth.Role, **claims: Any) -> str:
                return auth.mint(SECRET, role, **claims)

            say(f"{code.name}: the season, {args.regions} regions in {args.bursts} bursts")
            began = time.perf_counter()
            driver = EvaluationCycle(admin, mint, plan, timeline)
            outcome = await driver.run()
            timeline.close()
            figures["the whole season: every region scored on all its evidence (s)"] = (
                time.perf_counter() - began
            )
            if outcome.missing:
                raise RuntimeError(f"{len(outcome.missing)} regions were not scored")
            citizens = timeline.done.get("citizen responses", 0)
            figures["citizens' responses through the gateway (/s)"] = citizens / max(
                timeline.spent.get("citizen responses", 1.0), 1e-9
            )
            info = await client.jetstream().stream_info(STREAM)
            figures["events on the stream"] = info.state.messages
            figures["stream MB"] = info.state.bytes / 1e6
            say(f"{code.name}: full rescore")
            figures["full rescore after an activation (s)"] = await full_rescore(
                admin, cards, args.regions
            )
            say(f"{code.name}: latency")
            assessor = admin.as_(mint(auth.Role.ASSESSOR, subject=driver.assessors[0]))
            latencies = await latency(admin, assessor, cards, outcome.cycle_id, args.samples)
            figures["response to scorecard p50 (ms)"] = statistics.median(latencies)
            figures["response to scorecard p95 (ms)"] = _percentile(latencies, 95)
            figures["response to scorecard p99 (ms)"] = _percentile(latencies, 99)
            figures |= usage(stack.process.pid)
            await client.close()
        say(f"{code.name}: catch-up")
        figures["catch-up: scoring restarted on the year's stream (s)"] = await catch_up(
            code, scratch, args.regions
        )
    return figures


async def full_rescore(admin: GraphQLClient, cards: Scorecards, regions: int) -> float:
    found = (await admin("query { ruleSets(first: 20) { id text status } }", {}))["ruleSets"]
    active = next(r for r in found if r["status"] == "active")
    drafted = await admin(
        "mutation($i: DraftRuleSetInput!) { draftRuleSet(input: $i) { id version } }",
        {"i": {"text": active["text"]}},
    )
    began = time.perf_counter()
    await admin("mutation($id: ID!) { activateRuleSet(id: $id) { version } }",
                {"id": drafted["draftRuleSet"]["id"]})  # fmt: skip
    version = int(drafted["draftRuleSet"]["version"])
    ended = await cards.until(lambda: cards.under(version) >= regions, timeout=1800)
    return ended - began


async def latency(
    admin: GraphQLClient,
    assessor: GraphQLClient,
    cards: Scorecards,
    cycle_id: str,
    samples: int,
) -> list[float]:
    """One assessor's score of one question changed at a time, so the region's scorecard
    changes: each chosen campaign's score is first set to 0 (untimed, then every scorecard
    left to settle), and each timed sample moves it to the other end of the scale."""
    campaigns = (await admin(CAMPAIGNS, {"c": cycle_id}))["campaigns"]
    chosen = [campaigns[sample * 7919 % len(campaigns)] for sample in range(samples)]
    last: dict[str, int] = {}
    for campaign in chosen:
        if campaign["id"] not in last:
            await assessor(SCORE_ONE, {"i": {"campaignId": campaign["id"],
                                             "questionCode": QUESTION, "score": 0}})  # fmt: skip
            last[campaign["id"]] = 0
    await settled(cards)
    waited = []
    for campaign in chosen:
        region, score = campaign["regionCode"], 4 - last[campaign["id"]]
        before = cards.latest[region]["revision"]
        began = time.perf_counter()
        await assessor(SCORE_ONE, {"i": {"campaignId": campaign["id"], "questionCode": QUESTION,
                                         "score": score}})  # fmt: skip
        arrived = await cards.until(
            lambda r=region, b=before: cards.latest[r]["revision"] > b, timeout=60
        )
        last[campaign["id"]] = score
        waited.append((arrived - began) * 1000)
    return waited


async def settled(cards: Scorecards, quiet_seconds: float = 5.0) -> None:
    """Until no scorecard has been published for `quiet_seconds`."""
    while True:
        seen = {region: data["revision"] for region, data in cards.latest.items()}
        await asyncio.sleep(quiet_seconds)
        if seen == {region: data["revision"] for region, data in cards.latest.items()}:
            return


async def catch_up(code: Path, scratch: Path, regions: int) -> float:
    """Scoring alone on the stopped stack's stream, from an empty store."""
    [jetstream] = list((scratch / "data").rglob("jetstream"))
    with NatsServer(jetstream.parent) as server:
        client = await nats.connect(server.url)
        cards = Scorecards()
        await client.subscribe(PUBLISHED, cb=cards.receive)
        began = time.perf_counter()
        async with (
            serving(
                "scoring", server.url, str(scratch), SECRET, {"PYTHONPATH": str(code)}, cwd=code
            ) as service,  # fmt: skip
            httpx.AsyncClient(timeout=120) as http,
        ):
            scoring = Scoring(http, service.port, service.pid)
            js = client.jetstream()
            await cards.until(lambda: len(cards.latest) >= regions, timeout=3600)
            while not await caught_up(js, scoring):  # noqa: ASYNC110 - another process
                await asyncio.sleep(0.2)
            elapsed = time.perf_counter() - began
        await client.close()
    return elapsed


def _percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * percent / 100) - 1)]


def worktree(ref: str) -> Path:
    """The earlier commit checked out under build/, once."""
    commit = subprocess.run(["git", "rev-parse", "--short", ref], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    place = ROOT / "build" / f"season-{commit}"
    if not place.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(place), commit], cwd=ROOT,
                       check=True, capture_output=True)  # fmt: skip
    return place


def table(sides: dict[str, dict[str, float]]) -> str:
    (before_name, before), (after_name, after) = sides.items()
    lines = [f"| measure | {before_name} | {after_name} | ratio |", "|---|---|---|---|"]
    for name in [*after, *(n for n in before if n not in after)]:
        was, now = before.get(name), after.get(name)
        ratio = f"{now / was:.2f}" if was and now is not None else ""
        lines.append(f"| {name} | {_shown(was)} | {_shown(now)} | {ratio} |")
    return "\n".join(lines)


def _shown(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"


async def run(args: argparse.Namespace) -> str:
    """This commit first, so that its figures stand should the earlier one not finish."""
    sides: dict[str, dict[str, float]] = {}
    chosen = [("this commit", ROOT)]
    if args.against != "none":
        earlier = worktree(args.against)
        chosen.append((f"{args.against} ({earlier.name})", earlier))
    for name, code in chosen:
        sides[name] = await season(code, args, lambda text: print(text, flush=True))
        print(json.dumps({name: sides[name]}), flush=True)  # kept should the other side fail
    if len(sides) == 1:
        alone = sides["this commit"].items()
        return "\n".join(f"| {name} | {_shown(value)} |" for name, value in alone)
    return table(dict(reversed(sides.items())))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--regions", type=int, default=514)
    parser.add_argument("--citizens", type=int, default=50, help="per sub-dimension")
    parser.add_argument("--bursts", type=int, default=4)
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument(
        "--against", default="HEAD~1", help="the earlier commit; none for this one alone"
    )
    parser.add_argument("--report", type=Path, help="append the table to this file")
    args = parser.parse_args()
    shown = asyncio.run(run(args))
    print(shown)
    if args.report:
        with args.report.open("a") as report:
            report.write(f"\n{shown}\n")


if __name__ == "__main__":
    main()
