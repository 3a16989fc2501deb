"""The improvement planner at national scale.

    python -m bench.planner [--regions 514] [--target "Sangat Baik"]

Scoring runs as its own process over a synthetic national year on a real nats-server (as
`bench.scoring` sets it up) and, once it has scored every region, is asked through its
GraphQL endpoint, side by side in one run:
- one region's scoring alone, for scale: a what-if with one item changed (one state scored,
  nothing cached), the median of `--samples`;
- that region's candidates: every change its evidence allows, each scored by the rules;
- its plan to `--target`, after the candidates (which it reuses);
- the whole country's top candidates: each region's five best, one region after another
  (`--country N`: the first N regions only).
The figures are the wall time a caller waits; the rules workers' busy time beside them.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

from bench import national
from bench.scoring import Report, Scoring, caught_up, publish_year, scoring_on_a_stream

STANDING = "standing { finalIndex grade rankInCohort }"
WHAT_IF = f"""query($r: String!, $s: [ItemScoreInput!]) {{
  improvementPlan(regionCode: $r, scores: $s) {{ {STANDING} }} }}"""
CANDIDATES = f"""query($r: String!, $n: Int!) {{ improvementPlan(regionCode: $r) {{
  candidatesConsidered complete candidates(first: $n) {{ indexChange {STANDING} }} }} }}"""
PLAN = f"""query($r: String!, $t: String!) {{ improvementPlan(regionCode: $r, target: $t) {{
  plan {{ reached ending evaluated steps {{ {STANDING} }} }} }} }}"""


async def timed(scoring: Scoring, query: str, variables: dict[str, Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    answered = await scoring.call(query, variables)
    return time.perf_counter() - began, answered["improvementPlan"]


async def measure(args: argparse.Namespace, scoring: Scoring) -> None:
    figures = Report()
    codes = [region.code for region in national.regions(args.regions)]
    region = codes[0]
    busy = (await scoring.metrics())["rules_engine_busy_seconds_total"]
    alone = []
    for sample in range(args.samples):
        score = [{"questionCode": "A.1.1.1", "score": sample % 5}]
        alone.append((await timed(scoring, WHAT_IF, {"r": region, "s": score}))[0])
    seconds, found = await timed(scoring, CANDIDATES, {"r": region, "n": 5})
    planned_seconds, planned = await timed(scoring, PLAN, {"r": region, "t": args.target})
    plan = planned["plan"]
    figures.add([
        ("region", region),
        ("one scoring of the region alone (what-if, median) s", statistics.median(alone)),
        ("its candidates: changes tried", found["candidatesConsidered"]),
        ("its candidates s", seconds),
        ("its candidates / one scoring", seconds / statistics.median(alone)),
        (f"its plan to {args.target} s (after its candidates)", planned_seconds),
        ("its plan: steps, states scored, ending",
         f"{len(plan['steps'])}, {plan['evaluated']}, {plan['ending']}"),
    ])  # fmt: skip
    asked = codes[: args.country or len(codes)]
    began = time.perf_counter()
    for code in asked:
        await scoring.call(CANDIDATES, {"r": code, "n": 5})
    country = time.perf_counter() - began
    spent = (await scoring.metrics())["rules_engine_busy_seconds_total"] - busy
    figures.add([
        (f"top candidates of {len(asked)} of {len(codes)} regions, one after another s", country),
        ("per region s", country / len(asked)),
        ("durable_rules busy over the whole run s (both workers)", spent),
    ])  # fmt: skip


async def run(args: argparse.Namespace) -> None:
    async with scoring_on_a_stream(timeout=600) as (js, scoring, cards):
        print(f"{args.regions} regions: the year on the stream", flush=True)
        await publish_year(js, args.regions)
        await cards.until(lambda: len(cards.latest) >= args.regions, timeout=3600)
        while not await caught_up(js, scoring):  # noqa: ASYNC110 - another process
            await asyncio.sleep(0.2)
        await measure(args, scoring)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--regions", type=int, default=514)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--target", default="Sangat Baik")
    parser.add_argument("--country", type=int, default=0, help="regions asked (default all)")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
