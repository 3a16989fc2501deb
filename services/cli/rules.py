"""`smartcity rules validate|simulate|activate|history`: rule sets through the gateway."""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.cli import connection, cycles
from services.cli.cycles import CYCLE_HELP
from services.cli.output import table
from services.kernel.graphql_client import GraphQLClient
from services.messages import _, ngettext

VERSION = re.compile(r"^v?([0-9]+)\Z")
PROBLEM_FIELDS = "valid problems { ruleId path line message }"
VALIDATE = f"mutation($text: String!) {{ validateRuleSet(text: $text) {{ {PROBLEM_FIELDS} }} }}"
DRAFT = """mutation($i: DraftRuleSetInput!) { draftRuleSet(input: $i) {
  id version status problems { ruleId path line message } } }"""
CHANGES = """regionCode oldFinalIndex newFinalIndex change oldRank newRank newlyFiring
  noLongerFiring failure"""
SIMULATE = f"""mutation($id: ID!, $cycle: String!) {{ simulateRuleSet(id: $id, cycleId: $cycle) {{
  {CHANGES} }} }}"""
SIMULATE_DOCUMENT = f"""mutation($text: String!, $cycle: String!) {{
  simulateRuleSetDocument(text: $text, cycleId: $cycle) {{
    valid problems {{ ruleId path line message }} changes {{ {CHANGES} }} }} }}"""
ACTIVATE = "mutation($id: ID!) { activateRuleSet(id: $id) { id version name status } }"
VERSIONS = "{ ruleSets { version status name author createdAt basedOn } }"
AUDIT = """query($id: ID) { ruleSetAudit(id: $id) { at action actor version } }"""


def add(commands: Any) -> None:
    rules = commands.add_parser("rules", help=_("validate, simulate and activate scoring rules"))
    actions = rules.add_subparsers(dest="action", required=True)
    validate = actions.add_parser("validate", help=_("check a rule set document, storing nothing"))
    validate.add_argument("file", type=Path)
    validate.set_defaults(run=_validate)
    simulate = actions.add_parser(
        "simulate", help=_("score a cycle under a rule set, storing and publishing nothing")
    )
    simulate.add_argument("ruleset", metavar="FILE-or-VERSION")
    simulate.add_argument("--cycle", help=CYCLE_HELP)
    simulate.set_defaults(run=_simulate)
    activate = actions.add_parser("activate", help=_("make a rule set the active one and rescore"))
    activate.add_argument("ruleset", metavar="FILE-or-VERSION")
    activate.set_defaults(run=_activate)
    history = actions.add_parser("history", help=_("versions, and who drafted and activated them"))
    history.add_argument("ruleset", metavar="VERSION", nargs="?")
    history.set_defaults(run=_history)
    for action in (validate, simulate, activate, history):
        connection.add_gateway_options(action)


def _problem_rows(problems: list[dict[str, Any]]) -> str:
    return table([_("line"), _("rule"), _("path"), _("problem")],
                 [[p["line"], p["ruleId"], p["path"], p["message"]] for p in problems])  # fmt: skip


def _validate(args: argparse.Namespace) -> int:
    text = args.file.read_text()

    async def run() -> dict[str, Any]:
        async with connection.gateway(args) as gateway:
            result: dict[str, Any] = (await gateway(VALIDATE, {"text": text}))["validateRuleSet"]
            return result

    result = asyncio.run(run())
    if result["valid"]:
        print(_("{file}: valid").format(file=args.file))
        return 0
    print(_problem_rows(result["problems"]))
    print(f"{args.file}: {_problems(len(result['problems']))}", file=sys.stderr)
    return 1


def _problems(count: int) -> str:
    return ngettext("{count} problem", "{count} problems", count).format(count=count)


@dataclass(frozen=True)
class RuleSetArgument:
    """A stored version named as `3` or `v3`, or a file to draft as a new version."""

    label: str
    version: str | None = None
    text: str | None = None

    @classmethod
    def read(cls, argument: str) -> RuleSetArgument:
        matched = VERSION.match(argument)
        if matched and not Path(argument).exists():
            return cls(argument, version=f"v{matched.group(1)}")
        return cls(argument, text=Path(argument).read_text())

    async def version_id(self, gateway: GraphQLClient) -> str | None:
        """The version's id, drafting the file first; None when the draft is invalid (its
        problems are printed)."""
        if self.version:
            return self.version
        drafted = (await gateway(DRAFT, {"i": {"text": self.text}}))["draftRuleSet"]
        print(
            _("{file}: drafted as version {version} ({status})").format(
                file=self.label, version=drafted["version"], status=drafted["status"]
            )
        )
        if drafted["problems"]:
            print(_problem_rows(drafted["problems"]))
            return None
        version: str = drafted["id"]
        return version


def _simulate(args: argparse.Namespace) -> int:
    """A stored version, or a file simulated without storing it (activating stores it)."""
    ruleset = RuleSetArgument.read(args.ruleset)

    async def run() -> tuple[str, dict[str, Any]]:
        async with connection.gateway(args) as gateway:
            chosen = await cycles.chosen(gateway, args.cycle)
            cycle, named = chosen.id, chosen.named
            if ruleset.version:
                found = await gateway(SIMULATE, {"id": ruleset.version, "cycle": cycle})
                return named, {"valid": True, "changes": found["simulateRuleSet"]}
            variables = {"text": ruleset.text, "cycle": cycle}
            simulated = await gateway(SIMULATE_DOCUMENT, variables)
            return named, simulated["simulateRuleSetDocument"]

    cycle, simulated = asyncio.run(run())
    if not simulated["valid"]:
        print(_problem_rows(simulated["problems"]))
        print(f"{ruleset.label}: {_problems(len(simulated['problems']))}", file=sys.stderr)
        return 1
    named = ruleset.version or _("{file} (not stored)").format(file=ruleset.label)
    print(
        _("Rule set {ruleset} against cycle {cycle}, biggest movers first:").format(
            ruleset=named, cycle=cycle
        )
        + "\n"
    )
    rows = [
        [c["regionCode"], c["oldFinalIndex"], c["newFinalIndex"], f"{c['change']:+.2f}",
         c["oldRank"], c["newRank"], ", ".join(c["newlyFiring"]) or "-",
         ", ".join(c["noLongerFiring"]) or "-", c["failure"] or ""]
        for c in simulated["changes"]
    ]  # fmt: skip
    headers = [_("region"), _("old index"), _("new index"), _("change"), _("old rank"),
               _("new rank"), _("newly firing"), _("no longer firing"), _("failure")]  # fmt: skip
    print(table(headers, rows))
    return 0


def _activate(args: argparse.Namespace) -> int:
    ruleset = RuleSetArgument.read(args.ruleset)

    async def run() -> dict[str, Any] | None:
        async with connection.gateway(args) as gateway:
            version = await ruleset.version_id(gateway)
            if version is None:
                return None
            activated: dict[str, Any] = (await gateway(ACTIVATE, {"id": version}))[
                "activateRuleSet"
            ]
            return activated

    activated = asyncio.run(run())
    if activated is None:
        return 1
    print(
        _("Rule set version {version} ({name}) is active; every scorecard is being rescored.")
        .format(version=activated["version"], name=activated["name"])
    )  # fmt: skip
    return 0


def _history(args: argparse.Namespace) -> int:
    version = None
    if args.ruleset:
        matched = VERSION.match(args.ruleset)
        if not matched:
            raise ValueError(_("{given!r} is not a version (3 or v3)").format(given=args.ruleset))
        version = f"v{matched.group(1)}"

    async def run() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        async with connection.gateway(args) as gateway:
            versions = (await gateway(VERSIONS))["ruleSets"]
            audit = (await gateway(AUDIT, {"id": version}))["ruleSetAudit"]
            return versions, audit

    versions, audit = asyncio.run(run())
    if version is not None and not any(f"v{v['version']}" == version for v in versions):
        raise LookupError(_("there is no rule set version {version}").format(version=version))
    if version is None:
        rows = [[v["version"], v["status"], v["name"], v["author"], v["createdAt"][:19],
                 v["basedOn"]] for v in versions]  # fmt: skip
        headers = [_("version"), _("status"), _("name"), _("author"), _("created"), _("based on")]
        print(table(headers, rows))
        print()
    rows = [[e["at"][:19], e["action"], e["actor"], e["version"]] for e in audit]
    print(table([_("at"), _("action"), _("by"), _("version")], rows))
    return 0
