"""Limits on what one request may ask: its size, tokens, depth, aliases and root fields."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    OperationDefinitionNode,
    SelectionSetNode,
)


@dataclass(frozen=True)
class Limits:
    max_request_bytes: int = 256 * 1024
    max_tokens: int = 5_000
    max_depth: int = 12
    max_aliases: int = 30
    max_root_fields: int = 20


@dataclass(frozen=True)
class Breach:
    limit: str
    message: str


class _Measure:
    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.depths: dict[str, int] = {}
        self.expanding: set[str] = set()

    def depth(self, selection_set: SelectionSetNode | None) -> int:
        deepest = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                below = self.depth(selection.selection_set) if selection.selection_set else 0
                # introspection's `ofType` chains wrapped types one to one and cannot fan out
                level = 0 if selection.name.value == "ofType" else 1
                deepest = max(deepest, level + below)
            elif isinstance(selection, FragmentSpreadNode):
                deepest = max(deepest, self.fragment_depth(selection.name.value))
            else:
                deepest = max(deepest, self.depth(selection.selection_set))  # type: ignore[attr-defined]
        return deepest

    def fragment_depth(self, name: str) -> int:
        if name in self.depths:
            return self.depths[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self.expanding:  # validation reports these
            return 0
        self.expanding.add(name)
        self.depths[name] = self.depth(fragment.selection_set)
        self.expanding.discard(name)
        return self.depths[name]

    def root_fields(self, selection_set: SelectionSetNode, seen: frozenset[str]) -> int:
        count = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                count += selection.name.value != "__typename"
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment and fragment.name.value not in seen:
                    count += self.root_fields(fragment.selection_set, seen | {fragment.name.value})
            else:
                count += self.root_fields(selection.selection_set, seen)  # type: ignore[attr-defined]
        return count


def _aliases(document: DocumentNode) -> int:
    count = 0

    def visit(selection_set: SelectionSetNode | None) -> None:
        nonlocal count
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode) and selection.alias:
                count += 1
            visit(getattr(selection, "selection_set", None))

    for definition in document.definitions:
        visit(getattr(definition, "selection_set", None))
    return count


def breaches(document: DocumentNode, limits: Limits) -> tuple[Breach, ...]:
    """Every limit the document exceeds."""
    measure = _Measure(document)
    found = []
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    depth = max((measure.depth(o.selection_set) for o in operations), default=0)
    if depth > limits.max_depth:
        found.append(
            Breach(
                "depth", f"the query is {depth} levels deep; at most {limits.max_depth} are allowed"
            )
        )
    aliases = _aliases(document)
    if aliases > limits.max_aliases:
        found.append(
            Breach(
                "aliases",
                f"the query uses {aliases} aliases; at most {limits.max_aliases} are allowed",
            )
        )
    roots = max((measure.root_fields(o.selection_set, frozenset()) for o in operations), default=0)
    if roots > limits.max_root_fields:
        found.append(
            Breach(
                "rootFields",
                f"the query asks for {roots} root fields; "
                f"at most {limits.max_root_fields} are allowed",
            )
        )
    return tuple(found)
