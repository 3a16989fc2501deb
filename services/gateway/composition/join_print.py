"""A supergraph printed in the standard join-spec form (join v0.3), as standard composers write
it, so that any federation router can serve the suite, and the gateway can read it back."""

from __future__ import annotations

import json
import re
from typing import Any

from graphql import (
    DirectiveNode,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLUnionType,
    is_specified_scalar_type,
    parse,
    print_ast,
    print_type,
)

from services.gateway.composition.subgraph_schema import SubgraphField, SubgraphType
from services.gateway.composition.supergraph import Supergraph
from services.kernel.field_costs import FieldCost

HEADER = """schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
  @link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)
  @link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@cost", "@listSize"])
{{
{roots}
}}

directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION \
| INPUT_FIELD_DEFINITION | OBJECT | SCALAR

directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], \
requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION

directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION \
| SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION

directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE

directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, \
type: String, external: Boolean, override: String, usedOverridden: Boolean) repeatable on \
FIELD_DEFINITION | INPUT_FIELD_DEFINITION

directive @join__graph(name: String!, url: String!) on ENUM_VALUE

directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT \
| INTERFACE

directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, \
resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT \
| INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR

directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION

directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable \
on SCHEMA

scalar join__FieldSet

scalar link__Import

enum link__Purpose {{
  SECURITY
  EXECUTION
}}
"""


def graph_value(name: str) -> str:
    """A subgraph's join__Graph value: its name in capitals, letters, digits and _ only."""
    return re.sub(r"[^A-Za-z0-9_]", "_", name).upper()


class _Printer:
    def __init__(self, supergraph: Supergraph) -> None:
        self.supergraph = supergraph
        self.values = {name: graph_value(name) for name in sorted(supergraph.subgraphs)}

    def owners(self, type_name: str) -> list[tuple[str, SubgraphType]]:
        return [
            (name, view.types[type_name])
            for name, view in sorted(self.supergraph.subgraphs.items())
            if type_name in view.types
        ]

    def print(self) -> str:
        schema = self.supergraph.schema
        roots = [
            f"  {kind}: {root.name}"
            for kind, root in (
                ("query", schema.query_type),
                ("mutation", schema.mutation_type),
                ("subscription", schema.subscription_type),
            )
            if root is not None
        ]
        blocks = [HEADER.format(roots="\n".join(roots)), self._graphs()]
        for name in sorted(schema.type_map):
            named = schema.type_map[name]
            if name.startswith("__") or is_specified_scalar_type(named):
                continue
            blocks.append(self._type(named))
        return "\n".join(blocks)

    def _graphs(self) -> str:
        lines = [
            f"  {value} @join__graph(name: {json.dumps(name)}, "
            f"url: {json.dumps(self.supergraph.subgraphs[name].url or '')})"
            for name, value in self.values.items()
        ]
        return "enum join__Graph {\n" + "\n".join(lines) + "\n}\n"

    def _type(self, named: GraphQLNamedType) -> str:
        owners = self.owners(named.name)
        marks = [d for graph, view in owners for d in self._join_type(graph, view)]
        if any(view.inaccessible for _, view in owners):
            marks.append("@inaccessible")
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            marks += [
                f'@join__implements(graph: {self.values[graph]}, interface: "{interface}")'
                for graph, view in owners
                for interface in view.interfaces
            ]
        if isinstance(named, GraphQLUnionType):
            marks += [
                f'@join__unionMember(graph: {self.values[graph]}, member: "{member}")'
                for graph, view in owners
                for member in view.members
            ]
        node = parse(print_type(named), no_location=True).definitions[0]
        changes: dict[str, Any] = {"directives": _directives(marks)}
        if isinstance(named, GraphQLEnumType):
            changes["values"] = tuple(
                _with(value, self._enum_value(value.name.value, owners))
                for value in node.values  # type: ignore[attr-defined]
            )
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            changes["fields"] = tuple(
                _with_changes(
                    field_node,
                    {"directives": _directives(self._field(named, field_node.name.value, owners))}
                    | (
                        {"arguments": self._arguments(field_node, owners)}
                        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType)
                        else {}
                    ),
                )
                for field_node in node.fields  # type: ignore[attr-defined]
            )
        return print_ast(_with_changes(node, changes)) + "\n"

    def _join_type(self, graph: str, view: SubgraphType) -> list[str]:
        value = self.values[graph]
        extra = ", isInterfaceObject: true" if view.interface_object else ""
        if not view.keys:
            return [f"@join__type(graph: {value}{extra})"]
        return [
            f"@join__type(graph: {value}, key: {json.dumps(key.text)}"
            + ("" if key.resolvable else ", resolvable: false")
            + f"{extra})"
            for key in view.keys
        ]

    def _field(
        self,
        parent: GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType,
        name: str,
        owners: list[tuple[str, SubgraphType]],
    ) -> list[str]:
        placed = [(graph, view.fields[name]) for graph, view in owners if name in view.fields]
        plain = (
            len(placed) == len(owners)
            and all(not (f.external or f.requires or f.provides or f.override_from
                         or f.used_overridden)
                    for _, f in placed)
            and all(print_ast(f.type) == str(parent.fields[name].type) for _, f in placed)
        )  # fmt: skip
        marks = [] if plain else [self._join_field(parent, name, g, f) for g, f in placed]
        if not placed and owners:
            marks = ["@join__field"]
        if any(f.inaccessible for _, f in placed):
            marks.append("@inaccessible")
        return marks + _costs(self.supergraph.field_costs.get((parent.name, name)))

    @staticmethod
    def _arguments(field_node: Any, owners: list[tuple[str, SubgraphType]]) -> Any:
        """The field's arguments, an @inaccessible one marked so."""
        name = field_node.name.value
        hidden = {
            a
            for _, view in owners
            if name in view.fields
            for a in view.fields[name].hidden_arguments
        }
        return tuple(
            _with(a, ["@inaccessible"]) if a.name.value in hidden else a
            for a in getattr(field_node, "arguments", None) or ()
        )

    def _join_field(
        self,
        parent: GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType,
        name: str,
        graph: str,
        placed: SubgraphField,
    ) -> str:
        parts = [f"graph: {self.values[graph]}"]
        if placed.requires is not None:
            parts.append(f"requires: {json.dumps(_field_set(placed.requires))}")
        if placed.provides is not None:
            parts.append(f"provides: {json.dumps(_field_set(placed.provides))}")
        if print_ast(placed.type) != str(parent.fields[name].type):
            parts.append(f"type: {json.dumps(print_ast(placed.type))}")
        if placed.external:
            parts.append("external: true")
        if placed.override_from:
            parts.append(f"override: {json.dumps(placed.override_from)}")
        if placed.used_overridden:
            parts.append("usedOverridden: true")
        return f"@join__field({', '.join(parts)})"

    def _enum_value(self, value: str, owners: list[tuple[str, SubgraphType]]) -> list[str]:
        having = [graph for graph, view in owners if value in view.values or not view.values]
        marks = [f"@join__enumValue(graph: {self.values[graph]})" for graph in having]
        if any(view.values.get(value) for _, view in owners):
            marks.append("@inaccessible")
        return marks


def _costs(declared: FieldCost | None) -> list[str]:
    """A field's `@listSize` and `@cost`, as the cost spec writes them."""
    if declared is None:
        return []
    marks = []
    if declared.assumed_size is not None or declared.slicing_arguments:
        parts = []
        if declared.assumed_size is not None:
            parts.append(f"assumedSize: {declared.assumed_size}")
        if declared.slicing_arguments:
            parts.append(f"slicingArguments: {json.dumps(list(declared.slicing_arguments))}")
        marks.append(f"@listSize({', '.join(parts)}, requireOneSlicingArgument: false)")
    if declared.weight:
        marks.append(f"@cost(weight: {declared.weight})")
    return marks


def _directives(marks: list[str]) -> tuple[DirectiveNode, ...]:
    """The directives these texts write, as AST nodes."""
    if not marks:
        return ()
    scalar = parse(f"scalar _ {' '.join(marks)}", no_location=True).definitions[0]
    return tuple(scalar.directives or ())  # type: ignore[attr-defined]


def _with(node: Any, marks: list[str]) -> Any:
    return _with_changes(node, {"directives": _directives(marks)})


def _with_changes(node: Any, changes: dict[str, Any]) -> Any:
    return node.__class__(**{key: getattr(node, key) for key in node.keys} | changes)


def _field_set(selection_set: object) -> str:
    printed = print_ast(selection_set)  # type: ignore[arg-type]
    return " ".join(printed.strip()[1:-1].split())


def print_supergraph(supergraph: Supergraph) -> str:
    """The supergraph in the join-spec form; `load_supergraph` reads it back."""
    return _Printer(supergraph).print()
