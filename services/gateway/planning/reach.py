"""What each subgraph can answer where a plan stands: a field resolved there (or provided
by a `@provides` above), keys that can be gathered there to jump elsewhere, an interface
field answered on the interface or implementation by implementation, the types a
subgraph returns where the supergraph's abstract type stands, and what a subgraph holding
an interface as an @interfaceObject must leave to others.
"""

from __future__ import annotations

from graphql import (
    FieldNode,
    GraphQLCompositeType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    SelectionSetNode,
    TypeNode,
    is_abstract_type,
    is_composite_type,
    print_ast,
)

from services.gateway.composition.subgraph_schema import Key, named_type
from services.gateway.composition.supergraph import Home, Supergraph
from services.gateway.planning.operation import PreparedFragment, PreparedSelection

Provided = dict[str, "Provided | None"]


def provided_below(selection_set: SelectionSetNode | None) -> Provided | None:
    if selection_set is None:
        return None
    return {
        node.name.value: provided_below(node.selection_set)
        for node in selection_set.selections
        if isinstance(node, FieldNode)
    }


class Reach:
    def __init__(self, supergraph: Supergraph) -> None:
        self.supergraph = supergraph
        self.schema = supergraph.schema

    def resolvable(
        self, type_name: str, name: str, subgraph: str, provided: Provided | None
    ) -> bool:
        if provided is not None and name in provided:
            return True
        return self.supergraph.resolvable_in(type_name, name, subgraph)

    def gatherable(
        self,
        subgraph: str,
        type_name: str,
        fields: SelectionSetNode,
        provided: Provided | None,
        seen: frozenset[tuple[str, str]],
    ) -> bool:
        """Whether these (key) fields of `type_name` can be had from `subgraph`: resolved
        there, or fetched through another key of the type, hop after hop."""
        for node in fields.selections:
            if not isinstance(node, FieldNode):
                continue
            name = node.name.value
            if self.resolvable(type_name, name, subgraph, provided):
                continue
            if (type_name, name) in seen:
                return False
            hop = any(
                self.gatherable(
                    subgraph, type_name, key.fields, provided, seen | {(type_name, name)}
                )
                for home in self.supergraph.homes(type_name)
                if self.supergraph.resolvable_in(type_name, name, home.subgraph)
                for key in home.keys
            )
            if not hop:
                return False
        return True

    # what answering a selection from a subgraph costs: the entity fetches it takes (None
    # when it cannot be answered from there)
    def requires_in(
        self, subgraph: str, parent: GraphQLCompositeType, name: str
    ) -> SelectionSetNode | None:
        return self.supergraph.requires(parent.name, name, subgraph)

    def keyed(self, parent: GraphQLCompositeType) -> bool:
        """Objects, and interfaces with a key, can be fetched again by key elsewhere."""
        return isinstance(parent, GraphQLObjectType) or (
            isinstance(parent, GraphQLInterfaceType) and bool(self.supergraph.homes(parent.name))
        )

    def implementations_in(self, subgraph: str, parent: GraphQLCompositeType) -> list[str]:
        return [
            possible.name
            for possible in self.schema.get_possible_types(parent)  # type: ignore[arg-type]
            if self.possible_in(subgraph, parent.name, possible.name)
        ]

    # an @interfaceObject returns its interface's fields, never which implementation it is
    def by_stand_in(self, subgraph: str, parent: GraphQLCompositeType) -> bool:
        """The subgraph knows this object only by an @interfaceObject of its interface:
        its `__typename` is the one the fetch before this one brought."""
        return isinstance(parent, GraphQLObjectType) and bool(
            self.supergraph.stand_ins(parent.name, subgraph)
        )

    def elsewhere(
        self,
        subgraph: str,
        parent: GraphQLCompositeType,
        selection: PreparedSelection,
        provided: Provided | None,
    ) -> bool:
        """What a subgraph holding this interface as an @interfaceObject cannot answer: which
        implementation an object is, and the fields it does not resolve."""
        if not isinstance(parent, GraphQLInterfaceType) or not self.supergraph.stands_in(
            subgraph, parent.name
        ):
            return False
        if isinstance(selection, PreparedFragment):
            return selection.type_condition not in (None, parent.name)
        if selection.name == "__typename":
            return bool(self.jump_targets(subgraph, parent, "__typename", provided))
        return not self.resolvable(parent.name, selection.name, subgraph, provided)

    def concrete(
        self, subgraph: str, parent: GraphQLCompositeType, condition: GraphQLCompositeType
    ) -> list[str] | None:
        """For a fragment on a type the subgraph does not relate to the parent as the
        supergraph does, the object types it can be there, one by one; else None: the
        fragment stands as it is. (An object type the subgraph does not give the parent
        is never returned there.)"""
        if isinstance(condition, GraphQLObjectType):
            if self.possible_in(subgraph, parent.name, condition.name):
                return None
            return []
        assert is_abstract_type(condition) and is_abstract_type(parent)
        candidates = [
            t.name
            for t in self.schema.get_possible_types(condition)
            if self.schema.is_sub_type(parent, t)
        ]
        if all(
            self.possible_in(subgraph, condition.name, t) for t in candidates
            if self.possible_in(subgraph, parent.name, t)
        ):  # fmt: skip
            return None
        return [t for t in candidates if self.possible_in(subgraph, parent.name, t)]

    def on_interface(
        self, subgraph: str, parent: GraphQLInterfaceType, name: str, provided: Provided | None
    ) -> bool:
        """An interface field the subgraph answers on the interface itself: it resolves it
        there, and so does every implementation it has (none @external, none with a
        @requires); otherwise the field is asked of each implementation."""
        if not self.resolvable(parent.name, name, subgraph, provided):
            return False
        if self.supergraph.stands_in(subgraph, parent.name):
            return True
        for possible in self.schema.get_possible_types(parent):
            if not self.possible_in(subgraph, parent.name, possible.name):
                continue
            if not self.resolvable(possible.name, name, subgraph, provided):
                return False
            if self.requires_in(subgraph, possible, name):
                return False
        return True

    def possible_in(self, subgraph: str, abstract: str, object_name: str) -> bool:
        """Whether the subgraph can return an object of this type where it returns the
        abstract one: a member of its union, an implementation of its interface."""
        known = self.supergraph.type_in(subgraph, abstract)
        candidate = self.supergraph.type_in(subgraph, object_name)
        if known is None or candidate is None:
            return False
        if known.kind == "union":
            return object_name in known.members
        return abstract in candidate.interfaces

    def covers(self, condition: GraphQLCompositeType, parent: GraphQLObjectType) -> bool:
        return is_abstract_type(condition) and self.schema.is_sub_type(
            condition,
            parent,
        )

    def jump_targets(
        self,
        subgraph: str,
        parent: GraphQLObjectType | GraphQLInterfaceType,
        name: str,
        provided: Provided | None,
    ) -> list[tuple[Home, Key]]:
        """The subgraphs resolving the field (`__typename`: knowing the implementations)
        that a key of the parent, gathered from `subgraph`, leads to; each with the first
        such key."""
        found: list[tuple[Home, Key]] = []
        for home in self.supergraph.homes(parent.name):
            if home.subgraph == subgraph and (
                name == "__typename" or not self.requires_in(subgraph, parent, name)
            ):
                continue
            if name == "__typename":
                if self.supergraph.stands_in(home.subgraph, parent.name):
                    continue
            elif not self.supergraph.resolvable_in(parent.name, name, home.subgraph):
                continue
            for key in home.keys:
                # a key that holds the very field being fetched would be fetched by itself
                if self.gatherable(
                    subgraph, parent.name, key.fields, provided, frozenset({(parent.name, name)})
                ):
                    found.append((home, key))
                    break
        return found

    def declared(self, subgraph: str, parent: GraphQLCompositeType, name: str) -> TypeNode | None:
        """The field's type as the subgraph declares it."""
        for type_name in (parent.name, *self.supergraph.stand_ins(parent.name, subgraph)):
            known = self.supergraph.type_in(subgraph, type_name)
            if known is not None and name in known.fields:
                return known.fields[name].type
        return None

    def type_text(self, subgraph: str, parent: GraphQLCompositeType, name: str) -> str | None:
        """The field's response shape in the subgraph: its list and non-null wrappers and
        its leaf type (objects of any type merge by their fields)."""
        declared = self.declared(subgraph, parent, name)
        if declared is None:
            return None
        named = named_type(declared)
        text = print_ast(declared)
        return text.replace(named, "{}") if is_composite_type(self.schema.get_type(named)) else text

    def own_type(
        self, subgraph: str, parent: GraphQLCompositeType, name: str
    ) -> GraphQLCompositeType | None:
        """The field's type in the subgraph, where it is narrower than the supergraph's (a
        member of the union the supergraph has): fragments on other types never apply."""
        declared = self.declared(subgraph, parent, name)
        if declared is None:
            return None
        own = self.schema.get_type(named_type(declared))
        return own if is_composite_type(own) else None
