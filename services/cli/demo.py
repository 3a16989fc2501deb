"""`smartcity demo`: a whole evaluation cycle through the gateway, ending in its scorecards."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from services import stack
from services.cli import connection, cycles
from services.cli.output import ProgressBar, table
from services.contracts.reference import EvaluationDimension
from services.demo.cycle import EvaluationCycle, Outcome, Plan
from services.demo.national import national_regions
from services.messages import _
from services.stack import StackError

DEMO_REGIONS = 3  # the demo's own, with masterplans; past them, a national rehearsal
NATIONAL_BURSTS = 4


def add(commands: Any) -> None:
    demo = commands.add_parser(
        "demo", help=_("run a whole evaluation cycle and show its scorecards")
    )
    connection.add_gateway_options(demo)
    demo.add_argument(
        "--regions", type=int, default=3,
        help=_("how many regions (default 3, the demo's; up to 514, the national list's)"),
    )  # fmt: skip
    demo.add_argument("--citizens", type=int, default=50, help=_("per sub-dimension (default 50)"))
    demo.add_argument("--wait", type=float, default=180, help=_("seconds to wait for scoring"))
    demo.add_argument(
        "--bursts", type=int,
        help=_("the evidence in this many growing bursts, the rule set activated again halfway "
               "(default 4 past the demo's three regions, else 1)"),
    )  # fmt: skip
    demo.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.regions <= len(national_regions()):
        most = len(national_regions())
        raise ValueError(
            _("--regions is 1 to {most}, not {given}").format(most=most, given=args.regions)
        )
    plan = Plan(
        regions=args.regions,
        citizens_per_sub_dimension=args.citizens,
        scoring_wait_seconds=args.wait,
        bursts=max(1, args.bursts or (NATIONAL_BURSTS if args.regions > DEMO_REGIONS else 1)),
    )
    outcome = asyncio.run(_evaluate(args, plan))
    print("\n" + _("Evaluation cycle {cycle}").format(cycle=outcome.cycle_name) + "\n")
    print(scorecard_table(outcome))
    if outcome.missing:
        missing = _("No complete scorecard for: {regions}").format(
            regions=", ".join(outcome.missing)
        )
        print("\n" + missing, file=sys.stderr)
        return 1
    done = _("Every region of the cycle has its scorecard ({count}).")
    print("\n" + done.format(count=len(outcome.scorecards)))
    return 0


async def _evaluate(args: argparse.Namespace, plan: Plan) -> Outcome:
    if await connection.is_ready(args.gateway):
        return await _cycle(args, args.gateway, plan)
    if args.gateway != connection.DEFAULT_GATEWAY:
        raise StackError(_("no suite is ready at {url}").format(url=args.gateway))
    print(_("No stack is running: starting one for the demo (stopped again at the end)."))
    supervisor = stack.supervisor()  # the embedded extra: only when a stack is started
    async with supervisor.running(
        connection.settings(), supervisor.Ports(), demo=True, external_nats=False
    ) as started:
        return await _cycle(args, started.gateway_url, plan)


async def _cycle(args: argparse.Namespace, gateway_url: str, plan: Plan) -> Outcome:
    progress = ProgressBar()
    async with connection.gateway(args, gateway_url) as admin:
        try:
            mint = connection.minter(connection.settings())
            outcome = await EvaluationCycle(admin, mint, plan, progress).run()
            outcome.cycle_name = await cycles.named(admin, outcome.cycle_id)
            return outcome
        finally:
            progress.close()


def scorecard_table(outcome: Outcome) -> str:
    """The scorecards with a column for each evaluation dimension any of them is scored on."""
    scored = {d["dimension"] for card in outcome.scorecards for d in card["dimensions"]}
    dimensions = [d.value for d in EvaluationDimension if d in scored]
    rows = []
    for card in outcome.scorecards:
        scores = {d["dimension"]: d["score"] for d in card["dimensions"]}
        rows.append([
            card["rank"],
            card["regionCode"],
            outcome.regions.get(card["regionCode"], ""),
            card["finalIndex"],
            card["grade"],
            *(scores.get(d) for d in dimensions),
            ", ".join(sorted({f["code"] for f in card["flags"]})) or "-",
        ])  # fmt: skip
    headers = ["rank", "region", "name", "index", "grade", *dimensions, "flags"]
    return table(headers, rows)
