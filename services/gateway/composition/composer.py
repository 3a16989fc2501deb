"""Composing subgraphs into a supergraph by the federation 2 rules, as the reference
composers apply them.

The pipeline: federation 1 subgraphs are read as federation 2 (`federation1`); each
subgraph's federation directives are checked on their own (`subgraph_checks`); the types
are merged (`merge`) and what is @inaccessible checked; the supergraph is built, each
subgraph's view of it reflecting what @override moved; and no query path may be left that
no plan resolves (`satisfiability`). Any problem refuses the whole composition.
"""

from __future__ import annotations

import dataclasses

from graphql import build_schema

from services.gateway.composition.federation1 import as_federation_2
from services.gateway.composition.merge import Merged, merge
from services.gateway.composition.merged_schema import MergedType, print_types
from services.gateway.composition.problems import CompositionError, Problem
from services.gateway.composition.satisfiability import unsatisfiable
from services.gateway.composition.subgraph_checks import check_subgraph
from services.gateway.composition.subgraph_schema import Subgraph, named_type
from services.gateway.composition.supergraph import EntityKey, Supergraph

__all__ = ["CompositionError", "Problem", "compose"]


def compose(subgraphs: list[Subgraph]) -> Supergraph:
    """The supergraph of these subgraphs, or CompositionError listing every problem."""
    upgraded = [as_federation_2(s) for s in subgraphs]
    problems = [p for s in upgraded for p in check_subgraph(s)]
    merged = merge(upgraded)
    problems += merged.problems + _inaccessible_problems(merged.types)
    if problems:
        raise CompositionError(problems)
    full_sdl = print_types(merged.types, api=False)
    api_sdl = print_types(merged.types, api=True)
    try:
        schema, api_schema = build_schema(full_sdl), build_schema(api_sdl)
    except Exception as exc:
        raise CompositionError([Problem("INVALID_SUPERGRAPH", str(exc))]) from None
    views = _views(upgraded, merged)
    supergraph = Supergraph(
        subgraphs=views,
        schema=schema,
        api_schema=api_schema,
        api_sdl=api_sdl,
        resolvers=merged.resolvers,
        entity_keys=_entity_keys(views),
        hints=merged.hints,
    )
    problems = unsatisfiable(supergraph)
    if problems:
        raise CompositionError(problems)
    return supergraph


def _views(subgraphs: list[Subgraph], merged: Merged) -> dict[str, Subgraph]:
    """Each subgraph as the supergraph sees it: a field overridden away from it is gone,
    or, where its keys or @requires still use it, kept but marked so."""
    views = {s.name: s for s in subgraphs}
    moved: dict[tuple[str, str], set[str]] = {}
    for (type_name, name), resolving in merged.resolvers.items():
        for subgraph in subgraphs:
            owner = subgraph.types.get(type_name)
            found = owner.fields.get(name) if owner else None
            if found is not None and not found.external and subgraph.name not in resolving:
                moved.setdefault((subgraph.name, type_name), set()).add(name)
    for (subgraph_name, type_name), fields in moved.items():
        view = views[subgraph_name]
        subgraph_type = view.types[type_name]
        kept = {}
        for name, declared in subgraph_type.fields.items():
            if name not in fields:
                kept[name] = declared
            elif (type_name, name, subgraph_name) in merged.overridden:
                kept[name] = dataclasses.replace(declared, used_overridden=True)
        types = {**view.types, type_name: dataclasses.replace(subgraph_type, fields=kept)}
        views[subgraph_name] = dataclasses.replace(view, types=types)
    return views


def _entity_keys(views: dict[str, Subgraph]) -> dict[str, list[EntityKey]]:
    found: dict[str, list[EntityKey]] = {}
    for subgraph in views.values():
        for name, subgraph_type in subgraph.types.items():
            for key in subgraph_type.keys:
                if key.resolvable and subgraph_type.kind in ("object", "interface"):
                    found.setdefault(name, []).append(EntityKey(subgraph.name, key))
    return found


def _inaccessible_problems(types: dict[str, MergedType]) -> list[Problem]:
    """What clients see must not refer to what they cannot see."""
    problems = []
    hidden = {name for name, t in types.items() if t.inaccessible}
    for name, merged in types.items():
        if merged.inaccessible:
            continue
        for merged_field in merged.fields.values():
            if merged_field.inaccessible:
                continue
            references = [named_type(merged_field.type)]
            references += [named_type(a.type) for a in merged_field.arguments.values()]
            for reference in references:
                if reference in hidden:
                    problems.append(
                        Problem(
                            "REFERENCED_INACCESSIBLE",
                            f"field {name}.{merged_field.name} is visible but refers to type "
                            f"{reference}, which is @inaccessible",
                        )
                    )
        if merged.fields and all(f.inaccessible for f in merged.fields.values()):
            problems.append(
                Problem(
                    "ONLY_INACCESSIBLE_CHILDREN",
                    f"type {name} is visible but all its fields are @inaccessible",
                )
            )
    return problems
