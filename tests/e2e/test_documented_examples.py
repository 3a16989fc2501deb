"""The README's examples and the GraphQL in the docs, run against a running suite so they
cannot rot."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from services.registry import SERVICES

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]
ROOT = Path(__file__).resolve().parents[2]
MARKER = "<!-- the block below is run by tests/e2e/test_documented_examples.py -->"
GRAPHQL_BLOCK = re.compile(r"```graphql\n(.*?)```", re.DOTALL)


def readme_example_script(suite) -> str:
    """The marked README block, pointed at this suite's ports and this interpreter."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split(MARKER, 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    for name, service in SERVICES.items():
        block = block.replace(f"127.0.0.1:{service.port}/", f"127.0.0.1:{suite.up.ports[name]}/")
    return block.replace(".venv/bin/smartcity", f'"{sys.executable}" -m services.cli')


def test_the_readme_examples_run_as_written(suite):
    script = "set -euo pipefail\n" + readme_example_script(suite)
    result = subprocess.run(["bash", "-c", script], cwd=ROOT, env=suite.env(),
                            capture_output=True, text=True, timeout=240)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Every region of the cycle has its scorecard (3)." in result.stdout
    assert '"latestScorecard":{"finalIndex"' in result.stdout
    assert "services/scoring/shipped/default_ruleset.yaml: valid" in result.stdout
    assert "biggest movers first" in result.stdout
    assert "cycle,cycle name,rank,rank in cohort,region" in result.stdout


def documented_operations() -> list[tuple[str, str]]:
    found = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        found += [(path.name, query) for query in GRAPHQL_BLOCK.findall(path.read_text())]
    return found


def test_every_graphql_example_in_the_docs_answers_without_errors(suite):
    operations = documented_operations()
    assert len(operations) >= 5
    admin = suite.up.value_of("Admin token:")
    headers = {"Authorization": f"Bearer {admin}"}
    with httpx.Client(timeout=30, headers=headers) as http:
        cycles = http.post(suite.gateway, json={"query": "{ evaluationCycles { id } }"})
        variables = {"cycle": cycles.json()["data"]["evaluationCycles"][-1]["id"]}
        for source, query in operations:
            answer = http.post(suite.gateway, json={"query": query, "variables": variables}).json()
            assert "errors" not in answer, (source, query, answer["errors"])
            assert all(value for value in answer["data"].values()), (source, query)
