"""Every list is priced at the most its subgraph serves: each list of objects in the suite's
supergraph declares its size, and for random operations over regions that hold more than
every default page, the objects served never outnumber the price the gateway computed."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

import pytest
from graphql import (
    GraphQLField,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
    is_object_type,
    parse,
)
from graphql.pyutils import Undefined
from graphql.utilities.coerce_input_value import coerce_default_value

from services.kernel import query_limits
from services.kernel.auth import Role
from tests.gateway.test_supergraph_file import suite_supergraph
from tests.security import world as w
from tests.support import token

ADMIN = {"authorization": f"Bearer {token(Role.ADMIN)}"}
OPERATIONS = 150
SEED = 2026


def lists_of_objects(schema: GraphQLSchema) -> Iterator[tuple[str, str, GraphQLField]]:
    for named in schema.type_map.values():
        if named.name.startswith("__") or not is_object_type(named):
            continue
        for name, field in named.fields.items():
            if is_list_type(get_nullable_type(field.type)) and not is_leaf_type(
                get_named_type(field.type)
            ):
                yield named.name, name, field


def test_every_list_of_objects_declares_the_most_it_serves():
    supergraph = suite_supergraph()
    costs = supergraph.field_costs

    undeclared, unbounded = [], []
    for type_name, name, field in lists_of_objects(supergraph.api_schema):
        declared = costs.get((type_name, name))
        if declared is None or not (declared.assumed_size or declared.slicing_arguments):
            undeclared.append(f"{type_name}.{name}")
            continue
        for argument in declared.slicing_arguments:
            default = coerce_default_value(field.args[argument])
            if not isinstance(default, int) and declared.assumed_size is None:
                unbounded.append(f"{type_name}.{name}({argument})")

    assert undeclared == []
    assert unbounded == []


class Operations:
    """Random operations over the API schema: a few fields a level, each list's page size
    given, left out, or given by a variable that is set, left out or null."""

    def __init__(self, schema: GraphQLSchema, known: dict[str, str], rng: random.Random) -> None:
        self.schema, self.known, self.rng = schema, known, rng

    def draw(self) -> tuple[str, dict[str, Any]]:
        self.definitions: list[str] = []
        self.variables: dict[str, Any] = {}
        query = self.schema.query_type
        assert query is not None
        body = self._selection(query, depth=0)
        heading = f"query({', '.join(self.definitions)})" if self.definitions else "query"
        return f"{heading} {body}", self.variables

    def _selection(self, parent: GraphQLObjectType, depth: int) -> str:
        fields = [(n, f) for n, f in parent.fields.items() if self._askable(f)]
        leaves = [n for n, f in fields if is_leaf_type(get_named_type(f.type))]
        nested = [(n, f) for n, f in fields if not is_leaf_type(get_named_type(f.type))]
        chosen = leaves[:1] or ["__typename"]
        if depth < 3 and nested:
            for name, field in self.rng.sample(nested, min(len(nested), self.rng.randint(1, 2))):
                inner = get_named_type(field.type)
                if is_object_type(inner):
                    chosen.append(
                        f"{name}{self._arguments(field)} {self._selection(inner, depth + 1)}"
                    )
        return "{ " + " ".join(chosen) + " }"

    def _askable(self, field: GraphQLField) -> bool:
        required = [
            name for name, arg in field.args.items()
            if isinstance(arg.type, GraphQLNonNull) and coerce_default_value(arg) is Undefined
        ]  # fmt: skip
        named: GraphQLNamedType = get_named_type(field.type)
        return all(name in self.known for name in required) and (
            is_leaf_type(named) or is_object_type(named)
        )

    def _arguments(self, field: GraphQLField) -> str:
        given = [
            f'{name}: "{self.known[name]}"'
            for name, arg in field.args.items()
            if isinstance(arg.type, GraphQLNonNull) and coerce_default_value(arg) is Undefined
        ]
        if "first" in field.args:
            given += self._page_size()
        return f"({', '.join(given)})" if given else ""

    def _page_size(self) -> list[str]:
        way = self.rng.choice(["left out", "literal", "set", "variable left out", "null"])
        if way == "left out":
            return []
        if way == "literal":
            return [f"first: {self.rng.randint(1, 150)}"]
        variable = f"n{len(self.definitions)}"
        self.definitions.append(f"${variable}: Int")
        if way == "set":
            self.variables[variable] = self.rng.randint(1, 150)
        elif way == "null":
            self.variables[variable] = None
        return [f"first: ${variable}"]


def served_objects(value: Any) -> int:
    if isinstance(value, dict):
        return sum(served_objects(v) for v in value.values()) + 1
    if isinstance(value, list):
        return sum(served_objects(v) for v in value)
    return 0


@pytest.fixture
async def crowded(tmp_path):
    """The world, with a region holding more of each list than a default page serves."""
    async with w.running_world(tmp_path) as world:
        await asyncio.gather(*(w.add_program(world) for _ in range(130)))
        for n in range(22):
            await world.admin(
                "mutation($i: CreateMasterplanInput!) { createMasterplan(input: $i) { id } }",
                {"i": {"regionCode": w.REGION, "periodStart": 2000 + n, "periodEnd": 2030,
                       "title": f"Masterplan {n}", "legalBasis": "Perwali"}},
            )  # fmt: skip
        for year in range(2000, 2025):
            await world.admin(
                "mutation($i: ProposeQuickWinInput!) { proposeQuickWin(input: $i) { id } }",
                {"i": {"programId": world.program_id, "year": year}},
            )
        for _ in range(3):
            await world.admin(
                "mutation($i: ReportProgressInput!) { reportProgress(input: $i) { id } }",
                {"i": {"programId": world.program_id, "stage": "PLANNING", "percent": 10,
                       "reportedOn": dt.date.today().isoformat()}},
            )  # fmt: skip
        for n in range(12):
            await w.open_campaign(world, "CITIZEN", w.PUBLIC_SATISFACTION, f"Layanan {n}")
        yield world


@pytest.mark.integration
@pytest.mark.timeout(240)
async def test_random_operations_never_serve_more_objects_than_their_price(crowded):
    supergraph = suite_supergraph()
    known = {"code": w.REGION, "regionCode": w.REGION, "cycleId": crowded.cycle_id}
    operations = Operations(supergraph.api_schema, known, random.Random(SEED))

    answered, refused, past_a_default_page, over = 0, 0, 0, []
    for _ in range(OPERATIONS):
        query, variables = operations.draw()
        response = await crowded.gateway.client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=ADMIN
        )
        body = response.json()
        codes = {(e.get("extensions") or {}).get("code") for e in body.get("errors") or ()}
        if "COST_LIMIT" in codes:
            refused += 1
            continue
        document = parse(query)
        [operation] = document.definitions
        price = query_limits.measure(
            document, operation, schema=supergraph.api_schema,
            costs=supergraph.field_costs, variables=variables,
        )  # fmt: skip
        assert price is not None
        served = served_objects(body.get("data")) - 1
        answered += 1
        past_a_default_page += served > 100
        if served > price.cost:
            over.append(f"{served} objects served, priced {price.cost}: {query} {variables}")

    assert over == []
    assert answered >= OPERATIONS // 2
    assert past_a_default_page >= 5  # the data holds more than the default pages
