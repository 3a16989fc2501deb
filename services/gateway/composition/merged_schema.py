"""The supergraph's types as merging leaves them, and their SDL: with what is @inaccessible
for the planner's schema, without it for the API schema clients see."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from graphql import InputValueDefinitionNode, TypeNode, print_ast

BUILT_IN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}


@dataclass
class MergedField:
    name: str
    type: TypeNode
    description: str | None
    arguments: dict[str, InputValueDefinitionNode]
    inaccessible: bool
    default: str | None = None  # input fields
    hidden_arguments: frozenset[str] = frozenset()  # the @inaccessible ones


@dataclass
class MergedType:
    name: str
    kind: str  # object, interface, union, enum, input or scalar
    description: str | None
    inaccessible: bool
    fields: dict[str, MergedField] = field(default_factory=dict)
    interfaces: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    values: dict[str, str | None] = field(default_factory=dict)  # enum value -> description
    inaccessible_values: set[str] = field(default_factory=set)


def print_types(types: dict[str, MergedType], *, api: bool) -> str:
    hidden = {n for n, t in types.items() if t.inaccessible} if api else set()
    blocks = [
        _print_type(merged, hidden, api=api)
        for name, merged in types.items()
        if name not in BUILT_IN_SCALARS and name not in hidden
    ]
    return "\n\n".join(blocks) + "\n"


def _print_type(merged: MergedType, hidden: set[str], *, api: bool) -> str:
    head = _description(merged.description, "")
    if merged.kind == "scalar":
        return f"{head}scalar {merged.name}"
    if merged.kind == "union":
        members = [m for m in merged.members if m not in hidden]
        return f"{head}union {merged.name} = {' | '.join(members)}"
    if merged.kind == "enum":
        values = [
            f"{_description(d, '  ')}  {v}"
            for v, d in merged.values.items()
            if not (api and v in merged.inaccessible_values)
        ]
        return f"{head}enum {merged.name} {{\n" + "\n".join(values) + "\n}"
    keyword = {"object": "type", "interface": "interface", "input": "input"}[merged.kind]
    interfaces = [i for i in merged.interfaces if i not in hidden]
    implements = f" implements {' & '.join(interfaces)}" if interfaces else ""
    lines = []
    for merged_field in merged.fields.values():
        if api and merged_field.inaccessible:
            continue
        shown = [
            a
            for a in merged_field.arguments.values()
            if not (api and a.name.value in merged_field.hidden_arguments)
        ]
        arguments = "(" + ", ".join(print_ast(_plain(a)) for a in shown) + ")" if shown else ""
        default = f" = {merged_field.default}" if merged_field.default else ""
        lines.append(
            f"{_description(merged_field.description, '  ')}"
            f"  {merged_field.name}{arguments}: {print_ast(merged_field.type)}{default}"
        )
    return f"{head}{keyword} {merged.name}{implements} {{\n" + "\n".join(lines) + "\n}"


def _plain(argument: InputValueDefinitionNode) -> InputValueDefinitionNode:
    return InputValueDefinitionNode(
        name=argument.name,
        description=argument.description,
        type=argument.type,
        default_value=argument.default_value,
        directives=(),
    )


def _description(text: str | None, indent: str) -> str:
    return f"{indent}{json.dumps(text, ensure_ascii=False)}\n" if text else ""
