"""Query plans pinned as text: a planning change shows as a changed plan in the diff.

The subgraphs of tests/gateway/plans/subgraphs compose once; each operation of
plans/operations is planned as the engine plans it and compared with its pinned text in
plans/expected. `SMARTCITY_PIN_PLANS=1` writes the pinned texts instead, and fails, so that
a re-pin is always looked at before it passes.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from graphql import get_operation_ast, parse, print_ast, validate
from graphql.execution.values import get_variable_values

from services.gateway.composition.composer import compose
from services.gateway.composition.subgraph_schema import read_subgraph
from services.gateway.composition.supergraph import Supergraph
from services.gateway.planning.operation import prepare
from services.gateway.planning.planner import Planner

PLANS = Path(__file__).parent / "plans"
SUBGRAPHS = PLANS / "subgraphs"
OPERATIONS = PLANS / "operations"
EXPECTED = PLANS / "expected"
PIN = "SMARTCITY_PIN_PLANS"
VARIABLES = "# variables:"  # a first line giving the values the plan is made for
INDENT = "  "


def operation_names() -> list[str]:
    return sorted(p.stem for p in OPERATIONS.glob("*.graphql"))


def variables_of(query: str) -> dict[str, Any]:
    first = query.lstrip().splitlines()[0]
    return json.loads(first.removeprefix(VARIABLES)) if first.startswith(VARIABLES) else {}


def plan_text(supergraph: Supergraph, query: str) -> str:
    """The plan the engine would make for this document and its `# variables:`."""
    document = parse(query)
    problems = validate(supergraph.api_schema, document)
    assert not problems, problems
    operation = get_operation_ast(document)
    assert operation is not None, "name the operation to plan"
    coerced = get_variable_values(
        supergraph.api_schema, operation.variable_definitions or (), variables_of(query)
    )
    assert not isinstance(coerced, list), coerced
    selections = prepare(document, operation, dict(coerced.coerced))
    plan = Planner(supergraph).plan(operation, selections)
    return "\n".join(rendered(plan.describe())) + "\n"


def rendered(node: dict[str, Any], depth: int = 0) -> list[str]:
    """A described plan as an indented tree, each subgraph operation printed over lines."""
    pad = INDENT * depth
    kind = node["kind"]
    if kind in ("Sequence", "Parallel"):
        lines = [pad + kind]
        for child in node["nodes"]:
            lines += rendered(child, depth + 1)
        return lines
    assert kind == "Fetch", node
    lines = [f"{pad}Fetch {node['service']}"]
    for index, path in enumerate(node.get("flatten", ())):
        lines.append(f"{pad}{INDENT}flatten _e{index}: {path}")
    for key in sorted(set(node) - {"kind", "service", "flatten", "operation"}):
        lines.append(f"{pad}{INDENT}{key}: {json.dumps(node[key], sort_keys=True)}")
    operation = print_ast(parse(node["operation"]))
    lines += [pad + INDENT + line for line in operation.splitlines()]
    return lines


@pytest.fixture(scope="module")
def supergraph() -> Supergraph:
    return compose(
        [
            read_subgraph(p.stem, f"http://{p.stem}/graphql", p.read_text())
            for p in sorted(SUBGRAPHS.glob("*.graphql"))
        ]
    )


@pytest.fixture(scope="module")
def pinned(supergraph: Supergraph) -> int | None:
    """With SMARTCITY_PIN_PLANS=1, every plan written as its expected text: how many."""
    if os.environ.get(PIN) != "1":
        return None
    EXPECTED.mkdir(exist_ok=True)
    names = operation_names()
    for name in names:
        query = (OPERATIONS / f"{name}.graphql").read_text()
        (EXPECTED / f"{name}.txt").write_text(plan_text(supergraph, query))
    return len(names)


@pytest.mark.parametrize("name", operation_names())
def test_the_plan_of_each_operation_is_the_pinned_one(
    name: str, supergraph: Supergraph, pinned: int | None
) -> None:
    if pinned is not None:
        pytest.fail(f"pinned {pinned} plans; run again without {PIN}")
    expected_file = EXPECTED / f"{name}.txt"
    expected = expected_file.read_text() if expected_file.exists() else ""

    actual = plan_text(supergraph, (OPERATIONS / f"{name}.graphql").read_text())

    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            f"pinned {expected_file.relative_to(PLANS)}",
            "planned now",
        )
        pytest.fail(
            f"the plan of {name} changed (re-pin deliberately with {PIN}=1):\n{''.join(diff)}",
            pytrace=False,
        )


def test_every_operation_has_a_pinned_plan_and_every_pinned_plan_an_operation() -> None:
    operations = set(operation_names())
    expected = {p.stem for p in EXPECTED.glob("*.txt")}

    assert sorted(operations - expected) == [], "operations without a pinned plan"
    assert sorted(expected - operations) == [], "pinned plans without an operation"
