"""A federation 1 subgraph read as federation 2 reads it, before composition.

Federation 1 had no `@shareable` (every field could be resolved by several subgraphs), no
entity interfaces, and let `@external` stand where it meant nothing. The same upgrade the
reference composers make: `@external` leaves interface fields, keys leave interfaces,
`@requires` and `@provides` that name no @external field are dropped, and so are the
@external fields nothing uses. (Every field is shareable already: `read_subgraph` reads a
federation 1 subgraph so.)
"""

from __future__ import annotations

import copy

from graphql import SelectionSetNode

from services.gateway.composition import field_sets
from services.gateway.composition.subgraph_schema import Subgraph, named_type


def as_federation_2(subgraph: Subgraph) -> Subgraph:
    """The subgraph itself when it is federation 2 already, else an upgraded copy."""
    if subgraph.version == 2:
        return subgraph
    upgraded = copy.deepcopy(subgraph)
    types = upgraded.types
    for subgraph_type in types.values():
        if subgraph_type.kind == "interface":
            subgraph_type.keys = []
            subgraph_type.extension_keys = []
            for declared in subgraph_type.fields.values():
                declared.external = False
                declared.requires = declared.provides = None
    for type_name, subgraph_type in types.items():
        for declared in subgraph_type.fields.values():
            if declared.requires is not None and not _names_external(
                upgraded, type_name, declared.requires
            ):
                declared.requires = None
            target = named_type(declared.type)
            if declared.provides is not None and (
                target not in types
                or _is_leaf(types[target].kind)
                or not _names_external(upgraded, target, declared.provides)
            ):
                declared.provides = None
    used = field_sets.used_fields(upgraded)
    for type_name, subgraph_type in types.items():
        for name in [n for n, f in subgraph_type.fields.items() if f.external]:
            if (type_name, name) not in used:
                del subgraph_type.fields[name]
    return upgraded


def _names_external(subgraph: Subgraph, type_name: str, selection: SelectionSetNode) -> bool:
    targets = field_sets.walk(subgraph, type_name, selection)
    return any(t.found is not None and t.found.external for t in targets)


def _is_leaf(kind: str) -> bool:
    return kind in ("scalar", "enum")
