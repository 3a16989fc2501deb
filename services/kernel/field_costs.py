"""What a schema declares of its fields' cost: the `@cost` and `@listSize` directives of
federation 2.9 (Apollo's demand control), read from its SDL."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from graphql import DirectiveNode, DocumentNode, TypeDefinitionNode, TypeExtensionNode
from graphql.utilities import value_from_ast_untyped


@dataclass(frozen=True)
class FieldCost:
    """What a field declares of its cost: `@cost(weight:)`, the work of resolving it once
    (a storage round trip made for each parent, say); `@listSize`, how many items a list
    returns (its slicing arguments' value, or a guess)."""

    weight: int = 0
    assumed_size: int | None = None
    slicing_arguments: tuple[str, ...] = ()


Costs = Mapping[tuple[str, str], FieldCost]  # by (type, field)


COST_DIRECTIVES = {"cost", "federation__cost", "cost__cost"}
LIST_SIZE_DIRECTIVES = {"listSize", "federation__listSize", "cost__listSize"}


def declared_costs(schema_document: DocumentNode) -> dict[tuple[str, str], FieldCost]:
    """The `@cost` and `@listSize` each field of an SDL declares, keyed by (type, field)."""
    found: dict[tuple[str, str], FieldCost] = {}
    for definition in schema_document.definitions:
        if not isinstance(definition, TypeDefinitionNode | TypeExtensionNode):
            continue
        for field_node in getattr(definition, "fields", None) or ():
            declared = _declared(field_node.directives or ())
            if declared is not None:
                found[(definition.name.value, field_node.name.value)] = declared
    return found


def _declared(directives: Iterable[DirectiveNode]) -> FieldCost | None:
    found: FieldCost | None = None
    for directive in directives:
        name = directive.name.value
        if name not in COST_DIRECTIVES | LIST_SIZE_DIRECTIVES:
            continue
        found = found or FieldCost()
        given = {a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments or ()}
        weight, assumed = given.get("weight"), given.get("assumedSize")
        if name in COST_DIRECTIVES and isinstance(weight, int):
            found = replace(found, weight=weight)
        if name in LIST_SIZE_DIRECTIVES:
            found = replace(
                found,
                assumed_size=assumed if isinstance(assumed, int) else None,
                slicing_arguments=tuple(str(s) for s in given.get("slicingArguments") or ()),
            )
    return found
