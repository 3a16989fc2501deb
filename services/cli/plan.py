"""`smartcity plan REGION [--cycle C] [--target 3.0|Baik|rank:50]`: what would raise a
region's index most, each change scored by the rules, and the plan to a target."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from services.cli import connection
from services.cli.output import table
from services.messages import _, ngettext

CHANGE = "change { kind subject before after rule fields }"
STANDING = "standing { finalIndex grade rank rankInCohort }"
PLAN = f"""query($r: String!, $c: String, $t: String, $n: Int!) {{
  improvementPlan(regionCode: $r, cycleId: $c, target: $t) {{
    cycleId ruleSetVersion candidateLimit candidatesConsidered complete {STANDING}
    candidates(first: $n) {{ {CHANGE} {STANDING} indexChange rankInCohortChange newlyFiring
      noLongerFiring }}
    plan {{ target reached ending evaluated steps {{ {CHANGE} {STANDING} }} }} }} }}"""


def add(commands: Any) -> None:
    plan = commands.add_parser(
        "plan", help=_("what would raise a region's index most, and the plan to a target")
    )
    plan.add_argument("region", metavar="REGION", help=_("the region's code, e.g. 35.07"))
    plan.add_argument("--cycle", help=_("the evaluation cycle (default: the region's latest)"))
    plan.add_argument(
        "--target", help=_("a final index (3.0), a grade (Baik) or a rank in the cohort (rank:50)")
    )
    plan.add_argument("--top", type=int, default=10, help=_("how many changes to show"))
    connection.add_gateway_options(plan)
    plan.set_defaults(run=_plan)


def describe(change: dict[str, Any]) -> str:
    """A change as a region's staff would say it."""
    said = {
        "RAISE_ITEM": _("raise {subject} from {before:.2f} to {after:.2f}"),
        "SCORE_ITEM": _("score {subject}, not yet scored, at {after:.0f}"),
        "COMPLETE_SAMPLE": _("complete the citizens' sample of {subject}: {before:.0f} to "
                             "{after:.0f}"),
        "RAISE_CITIZENS": _("citizens' mean answer in {subject} from {before:.2f} to "
                            "{after:.2f}"),
        "READY_QUICK_WIN": _("propose program {subject} as a quick win, its planning complete "
                             "by 31 October"),
        "MEET_RULE": _("{subject}: {fields} to {after:g}, meeting rule {rule}"),
        "ESCAPE_RULE": _("{subject}: {fields} to {after:g}, out of rule {rule}"),
    }[change["kind"]]  # fmt: skip
    return said.format(subject=change["subject"], before=change["before"] or 0.0,
                       after=change["after"], rule=change.get("rule"),
                       fields=", ".join(change.get("fields") or ()))  # fmt: skip


def _plan(args: argparse.Namespace) -> int:
    async def run() -> dict[str, Any]:
        async with connection.gateway(args) as gateway:
            variables = {"r": args.region, "c": args.cycle, "t": args.target,
                         "n": max(1, min(args.top, 500))}  # fmt: skip
            found: dict[str, Any] = (await gateway(PLAN, variables))["improvementPlan"]
            return found

    found = asyncio.run(run())
    print(_standing_line(args.region, found))
    print()
    print(_("Changes worth most, each alone:"))
    print(_candidates(found["candidates"]))
    if not found["complete"]:
        print(
            _("Only the first {tried} of {considered} changes were tried.").format(
                tried=min(found["candidateLimit"], found["candidatesConsidered"]),
                considered=found["candidatesConsidered"],
            )
        )
    if found["plan"] is not None:
        print()
        print(_plan_lines(found["plan"]))
    return 0


def _standing_line(region: str, found: dict[str, Any]) -> str:
    standing = found["standing"]
    return _(
        "{region}, cycle {cycle}, rule set v{version}: final index {index:.2f} ({grade}), "
        "rank {rank} in its cohort"
    ).format(
        region=region, cycle=found["cycleId"], version=found["ruleSetVersion"],
        index=standing["finalIndex"], grade=standing["grade"] or "-",
        rank=standing["rankInCohort"],
    )  # fmt: skip


def _candidates(candidates: list[dict[str, Any]]) -> str:
    rows = [
        [describe(c["change"]), c["standing"]["finalIndex"], f"{c['indexChange']:+.4f}",
         c["standing"]["rankInCohort"], ", ".join(c["newlyFiring"]) or "-",
         ", ".join(c["noLongerFiring"]) or "-"]
        for c in candidates
    ]  # fmt: skip
    headers = [_("change"), _("final index"), _("change of index"), _("rank in cohort"),
               _("newly firing"), _("no longer firing")]  # fmt: skip
    return table(headers, rows)


def _plan_lines(plan: dict[str, Any]) -> str:
    steps = len(plan["steps"])
    ending = {
        "REACHED": ngettext("Plan to {target}: reached in {count} step.",
                            "Plan to {target}: reached in {count} steps.", steps),
        "NO_CHANGE_HELPS": _("Plan to {target}: out of reach; after {count} steps no change "
                             "left raises the index."),
        "STEP_LIMIT": _("Plan to {target}: not reached within {count} steps, the most a plan "
                        "takes."),
        "BUDGET": _("Plan to {target}: not reached within this request's budget ({count} "
                    "steps found)."),
    }[plan["ending"]]  # fmt: skip
    lines = [ending.format(target=plan["target"], count=steps)]
    if plan["steps"]:
        rows = [
            [number, describe(s["change"]), s["standing"]["finalIndex"],
             s["standing"]["grade"] or "-", s["standing"]["rankInCohort"]]
            for number, s in enumerate(plan["steps"], start=1)
        ]  # fmt: skip
        headers = [_("step"), _("change"), _("final index"), _("grade"), _("rank in cohort")]
        lines.append(table(headers, rows))
    return "\n".join(lines)
