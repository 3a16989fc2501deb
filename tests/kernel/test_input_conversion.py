"""A subgraph's compiled inputs build the values strawberry itself builds."""

import enum
from typing import Any

import strawberry
from strawberry.federation import Schema

from services.kernel.graphql import SubgraphSchema


def _query() -> type:
    """A query of its own input types: compiling a schema changes its input types."""

    @strawberry.enum
    class Colour(enum.Enum):
        RED = "red"
        BLUE = "blue"

    @strawberry.input
    class Leaf:
        code: str
        score: int | None = None

    @strawberry.input
    class Twig:
        name: str
        leaves: list[Leaf]
        note: str | None = strawberry.UNSET
        label: strawberry.Maybe[str | None] = None  # left to strawberry, field by field

    @strawberry.input
    class Branch:
        name: str
        colour: Colour = Colour.RED
        leaves: list[Leaf]
        spare: list[Leaf | None] | None = None
        tags: list[str] = strawberry.field(default_factory=list)
        note: str | None = strawberry.UNSET
        child: Twig | None = None

    @strawberry.type
    class Query:
        @strawberry.field
        def echo(self, branches: list[Branch], one: Branch | None = None) -> str:
            return repr((branches, one))

    return Query


DOCUMENT = "query($b: [Branch!]!, $o: Branch) { echo(branches: $b, one: $o) }"
VARIABLES = {
    "b": [
        {"name": "a", "leaves": [{"code": "x", "score": 2}, {"code": "y"}]},
        {
            "name": "b",
            "colour": "BLUE",
            "leaves": [],
            "spare": [None, {"code": "z", "score": None}],
            "tags": ["t1", "t2"],
            "note": None,
            "child": {
                "name": "c",
                "leaves": [{"code": "w", "score": 4}],
                "note": "kept",
                "label": "ranting",
            },
        },
    ],
    "o": {"name": "d", "leaves": [{"code": "v"}], "child": None},
}


def _echo(schema: Schema, variables: dict[str, Any]) -> str:
    result = schema.execute_sync(DOCUMENT, variable_values=variables)
    assert result.errors is None, result.errors
    assert result.data is not None
    return str(result.data["echo"])


def test_nested_lists_optionals_enums_and_defaults_convert_as_strawberry_converts() -> None:
    plain, compiled = Schema(query=_query()), SubgraphSchema(query=_query())

    echoed = _echo(compiled, VARIABLES)

    assert echoed == _echo(plain, VARIABLES)
    assert "Colour.BLUE" in echoed and "UNSET" in echoed and "'kept'" in echoed
    assert "label=Some('ranting')" in echoed


def test_an_empty_list_stays_empty_and_an_omitted_argument_keeps_its_default() -> None:
    plain, compiled = Schema(query=_query()), SubgraphSchema(query=_query())

    assert _echo(compiled, {"b": []}) == _echo(plain, {"b": []}) == "([], None)"


def test_each_input_type_of_a_subgraph_builds_its_own_values() -> None:
    schema = SubgraphSchema(query=_query())

    inputs = [
        found.definition
        for found in schema.schema_converter.type_map.values()
        if getattr(found.definition, "is_input", False)
    ]

    assert {d.name for d in inputs} == {"Branch", "Twig", "Leaf"}
    assert all(d.from_input is not None for d in inputs)
