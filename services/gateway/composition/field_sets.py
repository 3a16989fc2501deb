"""What a field set (`@key`, `@requires` or `@provides` fields) selects in one subgraph.

A field set is a selection on a type: fields, fields below fields, and inline fragments on
the possible types of an abstract type. Walked here once, it says which field of which type
each selection names, whether that subgraph defines it, and whether a selection above it
is @external there (which makes what is below it come from elsewhere too).
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import FieldNode, InlineFragmentNode, SelectionSetNode

from services.gateway.composition.subgraph_schema import Subgraph, SubgraphField, named_type


@dataclass(frozen=True)
class FieldSetTarget:
    owner: str  # the type the field is selected on
    name: str
    found: SubgraphField | None  # None: the subgraph does not define it
    below_external: bool  # a selection above this one is @external in the subgraph
    leaf: bool  # selects nothing below itself


def implementations(subgraph: Subgraph, interface: str) -> list[str]:
    """The object types of the subgraph that implement the interface there."""
    return [
        name
        for name, candidate in subgraph.types.items()
        if candidate.kind == "object" and interface in candidate.interfaces
    ]


def walk(
    subgraph: Subgraph,
    type_name: str,
    selection_set: SelectionSetNode,
    below_external: bool = False,
) -> list[FieldSetTarget]:
    """Every field the set selects, in order, outermost first."""
    found: list[FieldSetTarget] = []
    owner = subgraph.types.get(type_name)
    for node in selection_set.selections:
        if isinstance(node, InlineFragmentNode):
            condition = node.type_condition.name.value if node.type_condition else type_name
            found += walk(subgraph, condition, node.selection_set, below_external)
            continue
        if not isinstance(node, FieldNode):
            continue
        name = node.name.value
        declared = owner.fields.get(name) if owner else None
        found.append(
            FieldSetTarget(type_name, name, declared, below_external, node.selection_set is None)
        )
        if declared is not None and node.selection_set is not None:
            external_below = below_external or declared.external
            if owner is not None and owner.kind == "interface":
                external_below = external_below or any(
                    subgraph.types[i].fields.get(name, declared).external
                    for i in implementations(subgraph, type_name)
                )
            found += walk(subgraph, named_type(declared.type), node.selection_set, external_below)
    return found


def coordinates(subgraph: Subgraph, targets: list[FieldSetTarget]) -> set[tuple[str, str]]:
    """The fields the targets name, and on an interface its implementations' fields too."""
    named: set[tuple[str, str]] = set()
    for target in targets:
        if target.found is None:
            continue
        named.add((target.owner, target.name))
        owner = subgraph.types.get(target.owner)
        if owner is not None and owner.kind == "interface":
            named.update((i, target.name) for i in implementations(subgraph, target.owner))
    return named


def used_fields(subgraph: Subgraph) -> set[tuple[str, str]]:
    """The fields a key, @requires or @provides of the subgraph names, and those that
    implement an interface field: an @external field none of these use has no purpose."""
    used: set[tuple[str, str]] = set()
    for type_name, subgraph_type in subgraph.types.items():
        for key in subgraph_type.keys:
            used |= coordinates(subgraph, walk(subgraph, type_name, key.fields))
        for declared in subgraph_type.fields.values():
            if declared.requires is not None:
                used |= coordinates(subgraph, walk(subgraph, type_name, declared.requires))
            if declared.provides is not None:
                target = named_type(declared.type)
                used |= coordinates(subgraph, walk(subgraph, target, declared.provides))
        if subgraph_type.kind == "interface":
            for implementation in implementations(subgraph, type_name):
                used.update((implementation, name) for name in subgraph_type.fields)
    return used


def provided_fields(subgraph: Subgraph) -> set[tuple[str, str]]:
    """The fields some @provides of the subgraph names."""
    provided: set[tuple[str, str]] = set()
    for subgraph_type in subgraph.types.values():
        for declared in subgraph_type.fields.values():
            if declared.provides is not None:
                target = named_type(declared.type)
                provided |= coordinates(subgraph, walk(subgraph, target, declared.provides))
    return provided


def key_fields(subgraph: Subgraph) -> set[tuple[str, str]]:
    """The fields some key of the subgraph names, nested ones too."""
    named: set[tuple[str, str]] = set()
    for type_name, subgraph_type in subgraph.types.items():
        for key in subgraph_type.keys:
            named |= coordinates(subgraph, walk(subgraph, type_name, key.fields))
    return named
