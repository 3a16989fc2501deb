"""Planning an operation over the supergraph into fetches.

Each selection stays in the subgraph that is fetching its parent while that subgraph can
resolve it. When it cannot, the parent fetch also selects `__typename` and a key of the
parent type (and any `@requires` fields), and the field goes into an entity fetch of a
subgraph that resolves it, shared by every field that jumps to that subgraph at that place
in the response. Fetches are then layered: a fetch runs one step after everything it needs,
and all fetches of one step to one subgraph become one request.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from graphql import (
    FieldNode,
    GraphQLCompositeType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TypeNode,
    VariableNode,
    get_named_type,
    is_abstract_type,
    is_composite_type,
    print_ast,
)
from graphql.language import ArgumentNode, ValueNode

from services.gateway.federation.fetch_selection import FetchSelection
from services.gateway.federation.operation import PreparedField, PreparedFragment, PreparedSelection
from services.gateway.federation.query_plan import (
    INTROSPECTION,
    EntityPart,
    Fetch,
    QueryPlan,
    RepresentationShape,
    RootPart,
)
from services.gateway.federation.subgraph_schema import Key, named_type
from services.gateway.federation.supergraph import Home, Supergraph

Provided = dict[str, "Provided | None"]
INTROSPECTION_FIELDS = {"__schema", "__type"}


class PlanningError(Exception):
    """The supergraph has no way to fetch a selection (composition should prevent this)."""


_ids = itertools.count()


@dataclass(eq=False)
class _Builder:
    """A fetch while planning: root fields of one subgraph, or entities at one path."""

    subgraph: str
    path: tuple[str, ...] | None  # None for a root fetch
    parent: _Builder | None = None
    root: FetchSelection = field(default_factory=FetchSelection)
    entity: dict[str, FetchSelection] = field(default_factory=dict)
    shapes: dict[str, dict[str, tuple[str, Any]]] = field(default_factory=dict)
    # per __typename in the response: the type its representation names (an
    # @interfaceObject standing for its interface, or itself)
    sent_as: dict[str, str] = field(default_factory=dict)
    # the fields whose @requires the representations carry: resolved here, not jumped for
    carried: set[tuple[str, str]] = field(default_factory=set)
    children: dict[tuple[str, tuple[str, ...]], list[_Builder]] = field(default_factory=dict)
    depends: set[_Builder] = field(default_factory=set)
    variables: set[str] = field(default_factory=set)
    order: int = field(default_factory=lambda: next(_ids))

    def child(
        self,
        subgraph: str,
        path: tuple[str, ...],
        after: Collection[_Builder] = (),
        fits: Callable[[_Builder], bool] = lambda _: True,
    ) -> _Builder:
        """The entity fetch of `subgraph` at `path`: the one already planned, unless that one
        must run before one of `after`, which this one runs after, or does not `fit`."""
        earlier = set(after)
        for builder in after:
            earlier |= builder.before()
        siblings = self.children.setdefault((subgraph, path), [])
        for sibling in siblings:
            if sibling not in earlier and fits(sibling):
                return sibling
        siblings.append(_Builder(subgraph, path, parent=self))
        return siblings[-1]

    def has_child(self, subgraph: str, path: tuple[str, ...]) -> bool:
        return bool(self.children.get((subgraph, path)))

    def before(self) -> set[_Builder]:
        """Every fetch this one runs after."""
        found: set[_Builder] = set()
        for builder in (self.parent, *self.depends):
            if builder is not None and builder not in found:
                found |= {builder, *builder.before()}
        return found

    def level(self) -> int:
        if self.parent is None:
            return 0
        before = [self.parent, *self.depends]
        return 1 + max(b.level() for b in before)

    def descendants(self) -> list[_Builder]:
        found = []
        for siblings in self.children.values():
            for child in siblings:
                found += [child, *child.descendants()]
        return found


def _variables_in(value: ValueNode, found: set[str]) -> None:
    if isinstance(value, VariableNode):
        found.add(value.name.value)
    elif isinstance(value, ListValueNode):
        for item in value.values:
            _variables_in(item, found)
    elif isinstance(value, ObjectValueNode):
        for object_field in value.fields:
            _variables_in(object_field.value, found)


def _list_depth(output_type: GraphQLOutputType) -> int:
    depth = 0
    while isinstance(output_type, GraphQLNonNull | GraphQLList):
        if isinstance(output_type, GraphQLList):
            depth += 1
        output_type = output_type.of_type
    return depth


def _as_prepared(selection_set: SelectionSetNode) -> list[PreparedField]:
    """A key or @requires field set as selections the planner can place; a field given
    arguments under an alias of its own, so that it never meets the client's field of
    that name with other arguments."""
    return [s for s in _as_prepared_selections(selection_set) if isinstance(s, PreparedField)]


def _as_prepared_selections(selection_set: SelectionSetNode) -> list[PreparedSelection]:
    prepared: list[PreparedSelection] = []
    for node in selection_set.selections:
        if isinstance(node, InlineFragmentNode):
            condition = node.type_condition.name.value if node.type_condition else None
            prepared.append(
                PreparedFragment(condition, _as_prepared_selections(node.selection_set))
            )
        elif isinstance(node, FieldNode):
            nested: list[PreparedSelection] | None = (
                _as_prepared_selections(node.selection_set) if node.selection_set else None
            )
            name = node.name.value
            arguments = tuple(node.arguments or ())
            key = name
            if arguments:
                digest = hashlib.sha256(_printed(arguments).encode()).hexdigest()[:8]
                key = f"_{name}_{digest}"
            prepared.append(PreparedField(key, name, key if arguments else None, arguments, nested))
    return prepared


def _printed(arguments: tuple[ArgumentNode, ...]) -> str:
    return ", ".join(f"{a.name.value}: {print_ast(a.value)}" for a in arguments)


def _provided(selection_set: SelectionSetNode | None) -> Provided | None:
    if selection_set is None:
        return None
    return {
        node.name.value: _provided(node.selection_set)
        for node in selection_set.selections
        if isinstance(node, FieldNode)
    }


# what a jump to another subgraph costs, besides one for each field it carries: a fetch
# more, and a step more of waiting when it follows another
_JUMP_COST = 1000


def _size(selection: PreparedSelection) -> int:
    """How many fields a selection holds, itself and all below it."""
    own = 1 if isinstance(selection, PreparedField) else 0
    return own + sum(_size(below) for below in selection.selections or ())


class _Route(NamedTuple):
    """Where a field can come from: the subgraph fetching its parent, or (`by_key`) an
    entity fetch keyed by the parent."""

    subgraph: str
    by_key: bool


class Planner:
    def __init__(self, supergraph: Supergraph) -> None:
        self.supergraph = supergraph
        self.schema = supergraph.schema
        # costs already worked out, by place; each entry keeps its selection and what was
        # provided alive, so that their ids in the key stay theirs
        self._costs: dict[tuple, tuple[int | None, PreparedField, Provided | None]] = {}
        # per fetch and place in the response: the subgraphs that could as well have
        # answered the field there, each with the field's type there
        self._answerers: dict[tuple[_Builder, tuple[str, ...]], frozenset[tuple[str, str]]] = {}

    # placing selections

    def _resolvable(
        self, type_name: str, name: str, subgraph: str, provided: Provided | None
    ) -> bool:
        if provided is not None and name in provided:
            return True
        return self.supergraph.resolvable_in(type_name, name, subgraph)

    def _gatherable(
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
            if self._resolvable(type_name, name, subgraph, provided):
                continue
            if (type_name, name) in seen:
                return False
            hop = any(
                self._gatherable(
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

    def _cost(
        self,
        subgraph: str,
        parent: GraphQLCompositeType,
        selections: list[PreparedSelection],
        provided: Provided | None,
        seen: frozenset[tuple[str, str, str]],
    ) -> int | None:
        total = 0
        for selection in selections:
            if self._elsewhere(subgraph, parent, selection, provided):
                found: int | None = _JUMP_COST + _size(selection)
            elif isinstance(selection, PreparedFragment):
                condition = selection.type_condition or parent.name
                target = self.schema.get_type(condition)
                assert is_composite_type(target), condition
                if condition == parent.name or (
                    isinstance(parent, GraphQLObjectType) and self._covers(target, parent)
                ):
                    target = parent
                elif isinstance(parent, GraphQLObjectType):
                    continue  # an object of this type is never of that one
                elif not self.supergraph.knows_type(subgraph, condition):
                    continue  # this subgraph never returns objects of that type
                found = self._cost(subgraph, target, selection.selections, provided, seen)
            elif selection.name == "__typename":
                found = 0
            elif isinstance(parent, GraphQLObjectType) or (
                isinstance(parent, GraphQLInterfaceType)
                and self._on_interface(subgraph, parent, selection.name, provided)
            ):
                found = self._field_cost(subgraph, parent, selection, provided, seen)
            else:  # per implementation this subgraph returns
                implementations = self._implementations_in(subgraph, parent)
                found = 0 if implementations else None
                for possible in implementations:
                    target = self.schema.get_type(possible)
                    assert isinstance(target, GraphQLObjectType)
                    each = self._field_cost(subgraph, target, selection, provided, seen)
                    found = None if each is None or found is None else found + each
            if found is None:
                return None
            total += found
        return total

    def _below_cost(
        self,
        subgraph: str,
        parent: GraphQLObjectType | GraphQLInterfaceType,
        selection: PreparedField,
        provided: Provided | None,
    ) -> int | None:
        """What answering the selections below a field this subgraph resolves costs, from
        where this subgraph leaves them."""
        if selection.selections is None:
            return 0
        definition = parent.fields[selection.name]
        field_type = get_named_type(definition.type)
        if not is_composite_type(field_type):
            return 0
        provides = self.supergraph.provides(parent.name, selection.name, subgraph)
        below = _provided(provides) if provides else (provided or {}).get(selection.name)
        own = self._own_type(subgraph, parent, selection.name) or field_type
        return self._cost(subgraph, own, selection.selections, below, frozenset())

    def _here_cost(
        self,
        subgraph: str,
        parent: GraphQLObjectType | GraphQLInterfaceType,
        selection: PreparedField,
        provided: Provided | None,
        carried: bool = False,
    ) -> int | None:
        """The field resolved by this subgraph, what is below it answered from there on. A
        field with a @requires there is resolved only in an entity fetch whose
        representations carry what it requires."""
        if not self._resolvable(parent.name, selection.name, subgraph, provided):
            return None
        if not carried and self._requires_in(subgraph, parent, selection.name):
            return None
        return self._below_cost(subgraph, parent, selection, provided)

    def _requires_in(
        self, subgraph: str, parent: GraphQLCompositeType, name: str
    ) -> SelectionSetNode | None:
        return self.supergraph.requires(parent.name, name, subgraph)

    def _field_cost(
        self,
        subgraph: str,
        parent: GraphQLObjectType | GraphQLInterfaceType,
        selection: PreparedField,
        provided: Provided | None,
        seen: frozenset[tuple[str, str, str]],
        carried: bool = False,
    ) -> int | None:
        """The cheapest way to have the field from this subgraph: resolved here, or through
        a key of its parent from one subgraph, or shared out among several."""
        memo = (subgraph, parent.name, id(selection), id(provided), seen, carried)
        if memo in self._costs:
            return self._costs[memo][0]
        found = self._here_cost(subgraph, parent, selection, provided, carried)
        place = (subgraph, parent.name, selection.name)
        if found != 0 and self._keyed(parent) and place not in seen:
            routes = self._routes(subgraph, parent, selection, provided, carried)
            shared = self._shared(routes, parent, selection, provided, seen | {place}, carried)
            if shared is not None:
                cost = sum(c for _, _, c in shared)
                found = cost if found is None else min(found, cost)
        self._costs[memo] = (found, selection, provided)
        return found

    def _keyed(self, parent: GraphQLCompositeType) -> bool:
        """Objects, and interfaces with a key, can be fetched again by key elsewhere."""
        return isinstance(parent, GraphQLObjectType) or (
            isinstance(parent, GraphQLInterfaceType) and bool(self.supergraph.homes(parent.name))
        )

    def _routes(
        self,
        subgraph: str,
        parent: GraphQLObjectType | GraphQLInterfaceType,
        selection: PreparedField,
        provided: Provided | None,
        carried: bool = False,
    ) -> list[_Route]:
        """This subgraph where it resolves the field, then those a key of the parent reaches
        (this one too, for a field it resolves with a @requires)."""
        name = selection.name
        local = self._resolvable(parent.name, name, subgraph, provided) and (
            carried or not self._requires_in(subgraph, parent, name)
        )
        jumps = self._jump_targets(subgraph, parent, name, provided)
        return ([_Route(subgraph, False)] if local else []) + [
            _Route(h.subgraph, True) for h, _ in jumps
        ]

    def _shared(
        self,
        routes: list[_Route],
        parent: GraphQLObjectType | GraphQLInterfaceType,
        selection: PreparedField,
        provided: Provided | None,
        seen: frozenset[tuple[str, str, str]],
        carried: bool = False,
    ) -> list[tuple[_Route, PreparedField, int]] | None:
        """The field from the one route that answers it most cheaply, or its selections
        shared out when that costs less; with the cost of each part. A jump costs a fetch
        and the fields it carries, so a plan never jumps back and forth."""

        def cost(route: _Route, part: PreparedField) -> int | None:
            if not route.by_key:
                return self._here_cost(route.subgraph, parent, part, provided, carried)
            found = self._field_cost(route.subgraph, parent, part, None, seen, carried=True)
            return None if found is None else found + _JUMP_COST + _size(part)

        wholes = [(c, i, r) for i, r in enumerate(routes) if (c := cost(r, selection)) is not None]
        whole = min(wholes, default=None)
        shared = self._share_out(routes, selection, cost) if selection.selections else None
        if shared is not None:
            shared_cost = sum(c for _, _, c in shared)
            if whole is None or shared_cost < whole[0]:
                return shared
        if whole is None:
            return None
        best, _, route = whole
        return [(route, selection, best)]

    @staticmethod
    def _share_out(
        routes: list[_Route],
        selection: PreparedField,
        cost: Callable[[_Route, PreparedField], int | None],
    ) -> list[tuple[_Route, PreparedField, int]] | None:
        """Each selection below the field to the route that answers for it most cheaply;
        the parts that go to one route share its jump."""
        shares: dict[_Route, list[PreparedSelection]] = {}
        total: dict[_Route, int] = {}
        for below in selection.selections or ():
            part = dataclasses.replace(selection, selections=[below])
            costs = [(c, i, r) for i, r in enumerate(routes) if (c := cost(r, part)) is not None]
            if not costs:
                return None
            each, _, route = min(costs)
            if route.by_key and route in total:
                each -= _JUMP_COST
            shares.setdefault(route, []).append(below)
            total[route] = total.get(route, 0) + each
        return [
            (route, dataclasses.replace(selection, selections=parts), total[route])
            for route, parts in shares.items()
        ]

    def _place(
        self,
        builder: _Builder,
        parent: GraphQLCompositeType,
        selections: list[PreparedSelection],
        out: FetchSelection,
        path: tuple[str, ...],
        provided: Provided | None,
    ) -> set[_Builder]:
        """Puts selections on `parent` into `out` of `builder`; returns the fetches used."""
        used: set[_Builder] = set()
        for selection in selections:
            if self._elsewhere(builder.subgraph, parent, selection, provided):
                used |= self._place_elsewhere(builder, parent, selection, out, path, provided)
            elif isinstance(selection, PreparedFragment):
                used |= self._place_fragment(builder, parent, selection, out, path, provided)
            elif selection.name == "__typename":
                if not self._by_stand_in(builder.subgraph, parent):
                    out.field(selection.key, "__typename", (), False)
            elif isinstance(parent, GraphQLObjectType) or (
                isinstance(parent, GraphQLInterfaceType)
                and self._on_interface(builder.subgraph, parent, selection.name, provided)
            ):
                used |= self._place_field(builder, parent, selection, out, path, provided)
            else:  # an interface field this subgraph cannot resolve: per implementation
                implementations = self._implementations_in(builder.subgraph, parent)
                if not implementations:
                    raise PlanningError(
                        f"{parent.name}.{selection.name} cannot be had from "
                        f"{builder.subgraph}: it neither resolves it nor has an implementation "
                        f"of {parent.name} to ask it of"
                    )
                for possible in implementations:
                    fragment = PreparedFragment(possible, [selection])
                    used |= self._place_fragment(builder, parent, fragment, out, path, provided)
        return used

    def _implementations_in(self, subgraph: str, parent: GraphQLCompositeType) -> list[str]:
        return [
            possible.name
            for possible in self.schema.get_possible_types(parent)  # type: ignore[arg-type]
            if self._possible_in(subgraph, parent.name, possible.name)
        ]

    # an @interfaceObject returns its interface's fields, never which implementation it is

    def _by_stand_in(self, subgraph: str, parent: GraphQLCompositeType) -> bool:
        """The subgraph knows this object only by an @interfaceObject of its interface:
        its `__typename` is the one the fetch before this one brought."""
        return isinstance(parent, GraphQLObjectType) and bool(
            self.supergraph.stand_ins(parent.name, subgraph)
        )

    def _elsewhere(
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
            return bool(self._jump_targets(subgraph, parent, "__typename", provided))
        return not self._resolvable(parent.name, selection.name, subgraph, provided)

    def _place_elsewhere(
        self,
        builder: _Builder,
        parent: GraphQLCompositeType,
        selection: PreparedSelection,
        out: FetchSelection,
        path: tuple[str, ...],
        provided: Provided | None,
    ) -> set[_Builder]:
        """From a subgraph a key of the interface leads to: one that knows its
        implementations, or, for a field, one that resolves it."""
        assert isinstance(parent, GraphQLInterfaceType)
        name = "__typename" if isinstance(selection, PreparedFragment) else selection.name
        reachable = self._jump_targets(builder.subgraph, parent, name, provided)
        existing = [(h, k) for h, k in reachable if builder.has_child(h.subgraph, path)]
        if not reachable:
            raise PlanningError(
                f"{parent.name}.{name} cannot be had from {builder.subgraph}, where "
                f"{parent.name} is an @interfaceObject, nor from a subgraph its keys lead to"
            )
        home, key = [*existing, *reachable][0]
        requires = self.supergraph.requires(parent.name, name, home.subgraph)
        return self._send(builder, parent, [selection], out, path, provided, home, key, requires)

    def _place_fragment(
        self,
        builder: _Builder,
        parent: GraphQLCompositeType,
        fragment: PreparedFragment,
        out: FetchSelection,
        path: tuple[str, ...],
        provided: Provided | None,
    ) -> set[_Builder]:
        condition = fragment.type_condition or parent.name
        target = self.schema.get_type(condition)
        assert is_composite_type(target), condition  # validation checked the condition
        if condition == parent.name or (
            isinstance(parent, GraphQLObjectType) and self._covers(target, parent)
        ):
            return self._place(builder, parent, fragment.selections, out, path, provided)
        if isinstance(parent, GraphQLObjectType):
            return set()  # an object of this type is never of that one
        if not self.supergraph.knows_type(builder.subgraph, condition):
            return set()  # this subgraph never returns objects of that type
        if isinstance(target, GraphQLObjectType) and not self._everywhere(builder, path, condition):
            return set()
        concrete = self._concrete(builder.subgraph, parent, target)
        if concrete is not None:  # the subgraph relates the types otherwise: type by type
            used: set[_Builder] = set()
            for type_name in concrete:
                each = PreparedFragment(type_name, fragment.selections)
                used |= self._place_fragment(builder, parent, each, out, path, provided)
            return used
        out.field("__typename", "__typename", (), False)
        return self._place(
            builder,
            target,
            fragment.selections,
            out.fragment(condition),
            path,
            provided,
        )

    def _everywhere(self, builder: _Builder, path: tuple[str, ...], type_name: str) -> bool:
        """Whether every subgraph that could as well have answered the field above returns
        objects of this type there: a plan's answer must not depend on which of them it
        asked, so a type only some of them return is left out."""
        for subgraph, own in self._answerers.get((builder, path), ()):
            if own != type_name and not self._possible_in(subgraph, own, type_name):
                return False
        return True

    def _concrete(
        self, subgraph: str, parent: GraphQLCompositeType, condition: GraphQLCompositeType
    ) -> list[str] | None:
        """For a fragment on a type the subgraph does not relate to the parent as the
        supergraph does, the object types it can be there, one by one; else None: the
        fragment stands as it is. (An object type the subgraph does not give the parent
        is never returned there.)"""
        if isinstance(condition, GraphQLObjectType):
            if self._possible_in(subgraph, parent.name, condition.name):
                return None
            return []
        assert is_abstract_type(condition) and is_abstract_type(parent)
        candidates = [
            t.name
            for t in self.schema.get_possible_types(condition)
            if self.schema.is_sub_type(parent, t)
        ]
        if all(
            self._possible_in(subgraph, condition.name, t) for t in candidates
            if self._possible_in(subgraph, parent.name, t)
        ):  # fmt: skip
            return None
        return [t for t in candidates if self._possible_in(subgraph, parent.name, t)]

    def _on_interface(
        self, subgraph: str, parent: GraphQLInterfaceType, name: str, provided: Provided | None
    ) -> bool:
        """An interface field the subgraph answers on the interface itself: it resolves it
        there, and so does every implementation it has (none @external, none with a
        @requires); otherwise the field is asked of each implementation."""
        if not self._resolvable(parent.name, name, subgraph, provided):
            return False
        if self.supergraph.stands_in(subgraph, parent.name):
            return True
        for possible in self.schema.get_possible_types(parent):
            if not self._possible_in(subgraph, parent.name, possible.name):
                continue
            if not self._resolvable(possible.name, name, subgraph, provided):
                return False
            if self._requires_in(subgraph, possible, name):
                return False
        return True

    def _possible_in(self, subgraph: str, abstract: str, object_name: str) -> bool:
        """Whether the subgraph can return an object of this type where it returns the
        abstract one: a member of its union, an implementation of its interface."""
        known = self.supergraph.type_in(subgraph, abstract)
        candidate = self.supergraph.type_in(subgraph, object_name)
        if known is None or candidate is None:
            return False
        if known.kind == "union":
            return object_name in known.members
        return abstract in candidate.interfaces

    def _covers(self, condition: GraphQLCompositeType, parent: GraphQLObjectType) -> bool:
        return is_abstract_type(condition) and self.schema.is_sub_type(
            condition,
            parent,
        )

    def _place_field(
        self,
        builder: _Builder,
        parent: GraphQLObjectType | GraphQLInterfaceType,
        selection: PreparedField,
        out: FetchSelection,
        path: tuple[str, ...],
        provided: Provided | None,
    ) -> set[_Builder]:
        """Here when this subgraph can answer for the field and all below it; otherwise from
        the subgraphs that can, each taking the part of the selections it can answer for."""
        carried = (parent.name, selection.name) in builder.carried
        here = self._here_cost(builder.subgraph, parent, selection, provided, carried)
        if here == 0 or not self._keyed(parent):
            return self._place_here(builder, parent, selection, out, path, provided)
        routes = self._routes(builder.subgraph, parent, selection, provided, carried)
        shared = self._shared(routes, parent, selection, provided, frozenset(), carried)
        if shared is None:
            raise PlanningError(
                f"{parent.name}.{selection.name} cannot be had from {builder.subgraph}, nor "
                "from any subgraph one of its keys leads to"
            )
        used: set[_Builder] = set()
        for route, part, _ in shared:
            if route.by_key:
                used |= self._jump(builder, parent, part, out, path, provided, route.subgraph)
            else:
                used |= self._place_here(builder, parent, part, out, path, provided)
        return used

    def _place_here(
        self,
        builder: _Builder,
        parent: GraphQLObjectType | GraphQLInterfaceType,
        selection: PreparedField,
        out: FetchSelection,
        path: tuple[str, ...],
        provided: Provided | None,
    ) -> set[_Builder]:
        definition = parent.fields[selection.name]
        field_type = get_named_type(definition.type)
        composite = is_composite_type(field_type)
        placed = out.field(
            selection.key,
            selection.name,
            selection.arguments,
            composite,
            self._type_text(builder.subgraph, parent, selection.name),
        )
        for argument in selection.arguments:
            _variables_in(argument.value, builder.variables)
        if not composite or placed.selections is None or selection.selections is None:
            return set()
        if is_abstract_type(field_type):
            placed.selections.field("__typename", "__typename", (), False)
        below = path + (selection.key,) + ("@",) * _list_depth(definition.type)
        self._answerers[(builder, below)] = self._answering(builder, parent, selection.name, path)
        provides = self.supergraph.provides(parent.name, selection.name, builder.subgraph)
        child_provided = _provided(provides) if provides else (provided or {}).get(selection.name)
        return self._place(
            builder,
            self._own_type(builder.subgraph, parent, selection.name) or field_type,
            selection.selections,
            placed.selections,
            below,
            child_provided,
        )

    def _answering(
        self,
        builder: _Builder,
        parent: GraphQLObjectType | GraphQLInterfaceType,
        name: str,
        path: tuple[str, ...],
    ) -> frozenset[tuple[str, str]]:
        """The subgraphs that could as well answer this field here, each with the field's
        type there: those that could answer for the parent and resolve it, and for an
        entity, those a key leads to that resolve it."""
        above = self._answerers.get((builder, path))
        could = {s for s, _ in above} if above else set(self.supergraph.subgraphs)
        if not above and path:  # the start of an entity fetch: where it was sent
            could = {builder.subgraph}
        could |= {h.subgraph for h in self.supergraph.homes(parent.name)}
        found = {builder.subgraph}
        found |= {s for s in could if self.supergraph.resolvable_in(parent.name, name, s)}
        return frozenset(
            (s, named_type(declared))
            for s in found
            if (declared := self._declared(s, parent, name)) is not None
        )

    def _jump_targets(
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
                name == "__typename" or not self._requires_in(subgraph, parent, name)
            ):
                continue
            if name == "__typename":
                if self.supergraph.stands_in(home.subgraph, parent.name):
                    continue
            elif not self.supergraph.resolvable_in(parent.name, name, home.subgraph):
                continue
            for key in home.keys:
                # a key that holds the very field being fetched would be fetched by itself
                if self._gatherable(
                    subgraph, parent.name, key.fields, provided, frozenset({(parent.name, name)})
                ):
                    found.append((home, key))
                    break
        return found

    def _jump(
        self,
        builder: _Builder,
        parent: GraphQLObjectType | GraphQLInterfaceType,
        selection: PreparedField,
        out: FetchSelection,
        path: tuple[str, ...],
        provided: Provided | None,
        target: str | None = None,
    ) -> set[_Builder]:
        """Fetches the field from a subgraph that resolves it, keyed by this object."""
        reachable = self._jump_targets(builder.subgraph, parent, selection.name, provided)
        existing = [(h, k) for h, k in reachable if builder.has_child(h.subgraph, path)]
        chosen = [(h, k) for h, k in [*existing, *reachable] if target in (None, h.subgraph)]
        if not chosen:
            raise PlanningError(
                f"{parent.name}.{selection.name} cannot be fetched from {builder.subgraph}: "
                f"no subgraph resolving it has a key of {parent.name} that can be gathered there"
            )
        home, key = chosen[0]
        requires = self.supergraph.requires(parent.name, selection.name, home.subgraph)
        return self._send(builder, parent, [selection], out, path, provided, home, key, requires)

    def _send(
        self,
        builder: _Builder,
        parent: GraphQLObjectType | GraphQLInterfaceType,
        selections: list[PreparedSelection],
        out: FetchSelection,
        path: tuple[str, ...],
        provided: Provided | None,
        home: Home,
        key: Key,
        requires: SelectionSetNode | None = None,
    ) -> set[_Builder]:
        """Puts the selections into an entity fetch of `home`, this object's representation
        (its key, and what a @requires needs) gathered into `out` for it."""
        representation = _as_prepared(key.fields)
        if requires is not None:
            representation += _as_prepared(requires)
        for prepared in representation:  # a user alias may already use the field's name
            taken = out.fields.get(prepared.key)
            if taken is not None and (
                taken.name != prepared.name
                or _printed(taken.arguments) != _printed(prepared.arguments)
            ):
                prepared.key = f"_{prepared.name}_key"
        out.field("__typename", "__typename", (), False)
        needed = self._place(builder, parent, list(representation), out, path, provided)

        def fits(candidate: _Builder) -> bool:
            """Its representations do not already send one of these fields otherwise
            (a @requires of the same field with other arguments)."""
            shape = candidate.shapes.get(parent.name, {})
            sent = {name: key for key, (name, _) in shape.items()}
            return all(sent.get(p.name, p.key) == p.key for p in representation)

        child = builder.child(home.subgraph, path, after=needed, fits=fits)
        child.depends |= needed - {builder}
        if requires is not None:
            child.carried |= {
                (parent.name, s.name) for s in selections if isinstance(s, PreparedField)
            }
        shape = child.shapes.setdefault(parent.name, {})
        child.sent_as[parent.name] = home.as_type
        for prepared in representation:
            shape.setdefault(prepared.key, (prepared.name, prepared.selections))
        entity_out = child.entity.setdefault(home.as_type, FetchSelection())
        used = self._place(child, parent, selections, entity_out, path, None)
        return {child, *needed, *used}

    # building the plan

    def plan(
        self, operation: OperationDefinitionNode, selections: list[PreparedSelection]
    ) -> QueryPlan:
        self._costs.clear()
        self._answerers.clear()
        kind = operation.operation.value
        root_type = self.schema.get_root_type(operation.operation)
        if root_type is None:
            raise PlanningError(f"the supergraph has no {kind} type")
        definitions = {
            d.variable.name.value: print_ast(d) for d in operation.variable_definitions or ()
        }
        name = operation.name.value if operation.name else None
        roots: list[_Builder] = []
        for root_selection in _flatten_root(selections):
            if root_selection.name == "__typename":
                continue
            for subgraph, selection in self._root_parts(root_type, root_selection, roots, kind):
                if kind == "query":
                    builder = next((r for r in roots if r.subgraph == subgraph), None)
                else:  # consecutive mutation fields of one subgraph share a fetch
                    builder = roots[-1] if roots and roots[-1].subgraph == subgraph else None
                if builder is None:
                    builder = _Builder(subgraph, None)
                    roots.append(builder)
                if subgraph == INTROSPECTION:
                    _copy([selection], builder.root, builder.variables)
                else:
                    self._place(builder, root_type, [selection], builder.root, (), None)
        steps: list[list[Fetch]] = []
        if kind == "query":
            steps = self._layer(roots, kind, name, definitions)
        else:
            for root in roots:  # mutations run one root fetch at a time, in order
                steps += self._layer([root], kind, name, definitions)
        return QueryPlan(steps)

    def _root_parts(
        self,
        root: GraphQLObjectType,
        selection: PreparedField,
        roots: list[_Builder],
        kind: str,
    ) -> list[tuple[str, PreparedField]]:
        """The subgraph (or subgraphs, sharing what is below it) to ask for a root field:
        one already asked for another root field where it can answer for it all."""
        if selection.name in INTROSPECTION_FIELDS:
            return [(INTROSPECTION, selection)]
        resolving = list(self.supergraph.resolvers.get((root.name, selection.name), ()))
        if not resolving:
            raise PlanningError(f"no subgraph resolves {root.name}.{selection.name}")
        if kind != "query":
            return [(resolving[0], selection)]
        used = [r.subgraph for r in roots if r.subgraph in resolving]
        ordered = [
            _Route(s, True) for s in [*reversed(used), *(s for s in resolving if s not in used)]
        ]
        shared = self._shared(ordered, root, selection, None, frozenset())
        if shared is None:
            raise PlanningError(
                f"no subgraph can resolve {root.name}.{selection.name} with what is selected "
                "below it"
            )
        return [(route.subgraph, part) for route, part, _ in shared]

    def _layer(
        self, roots: list[_Builder], kind: str, name: str | None, definitions: dict[str, str]
    ) -> list[list[Fetch]]:
        builders = [b for root in roots for b in (root, *root.descendants())]
        by_level: dict[int, dict[str, list[_Builder]]] = {}
        for builder in sorted(builders, key=lambda b: b.order):
            by_level.setdefault(builder.level(), {}).setdefault(builder.subgraph, []).append(
                builder
            )
        steps = []
        for level in sorted(by_level):
            step = []
            for index, (subgraph, group) in enumerate(by_level[level].items()):
                step_kind = kind if level == 0 else "query"
                step.append(
                    self._fetch(subgraph, group, step_kind, name, level, index, definitions)
                )
            steps.append(step)
        return steps

    def _fetch(
        self,
        subgraph: str,
        group: list[_Builder],
        kind: str,
        name: str | None,
        level: int,
        index: int,
        definitions: dict[str, str],
    ) -> Fetch:
        used = set().union(*(b.variables for b in group))
        fetch = Fetch(
            subgraph=subgraph,
            kind=kind,
            name=f"{name}__{subgraph.strip('#')}__{level}_{index}" if name else None,
            variable_definitions={v: definitions[v] for v in definitions if v in used},
        )
        for builder in group:
            if builder.path is None:
                text, renames = builder.root.render()
                fetch.root = RootPart(text[2:-2], tuple(builder.root.fields), renames)
            else:
                fetch.entities.append(self._entity_part(builder))
        return fetch

    def _representation(
        self, fields: dict[str, tuple[str, Any]], only: frozenset[str] | None = None
    ) -> RepresentationShape:
        """What a representation holds: each field read from its response key, what is
        below it, and for a field under a fragment, the types it is there for."""
        shape: list[Any] = []
        for key, (name, nested) in fields.items():
            inner = None
            if nested:
                below = [s for s in nested if isinstance(s, PreparedField)]
                inner = self._representation({s.key: (s.name, s.selections) for s in below})
                fragments = [s for s in nested if isinstance(s, PreparedFragment)]
                if fragments:
                    inner = (("__typename", "__typename", None, None), *inner)
                for fragment in fragments:
                    inner += self._fragment_shape(fragment)
            shape.append((name, key, inner, only))
        return tuple(shape)

    def _fragment_shape(self, fragment: PreparedFragment) -> RepresentationShape:
        assert fragment.type_condition is not None
        condition = self.schema.get_type(fragment.type_condition)
        assert is_composite_type(condition)
        possible = (
            frozenset(t.name for t in self.schema.get_possible_types(condition))
            if is_abstract_type(condition)
            else frozenset({fragment.type_condition})
        )
        fields = [s for s in fragment.selections if isinstance(s, PreparedField)]
        shape = self._representation({s.key: (s.name, s.selections) for s in fields}, possible)
        for inner in fragment.selections:
            if isinstance(inner, PreparedFragment):
                shape += self._fragment_shape(inner)
        return shape

    def _declared(self, subgraph: str, parent: GraphQLCompositeType, name: str) -> TypeNode | None:
        """The field's type as the subgraph declares it."""
        for type_name in (parent.name, *self.supergraph.stand_ins(parent.name, subgraph)):
            known = self.supergraph.type_in(subgraph, type_name)
            if known is not None and name in known.fields:
                return known.fields[name].type
        return None

    def _type_text(self, subgraph: str, parent: GraphQLCompositeType, name: str) -> str | None:
        """The field's response shape in the subgraph: its list and non-null wrappers and
        its leaf type (objects of any type merge by their fields)."""
        declared = self._declared(subgraph, parent, name)
        if declared is None:
            return None
        named = named_type(declared)
        text = print_ast(declared)
        return text.replace(named, "{}") if is_composite_type(self.schema.get_type(named)) else text

    def _own_type(
        self, subgraph: str, parent: GraphQLCompositeType, name: str
    ) -> GraphQLCompositeType | None:
        """The field's type in the subgraph, where it is narrower than the supergraph's (a
        member of the union the supergraph has): fragments on other types never apply."""
        declared = self._declared(subgraph, parent, name)
        if declared is None:
            return None
        own = self.schema.get_type(named_type(declared))
        return own if is_composite_type(own) else None

    def _entity_part(self, builder: _Builder) -> EntityPart:
        assert builder.path is not None
        wrapper = FetchSelection(fragments=builder.entity)
        text, renames = wrapper.render()
        return EntityPart(
            renames=renames,
            path=builder.path,
            shapes={t: self._representation(fields) for t, fields in builder.shapes.items()},
            selection=text[2:-2],
            field_keys={
                t: tuple(builder.entity[builder.sent_as[t]].fields) for t in builder.shapes
            },
            sent_as={t: s for t, s in builder.sent_as.items() if s != t},
        )


def _copy(selections: list[PreparedSelection], out: FetchSelection, variables: set[str]) -> None:
    """Selections taken as they are (introspection, answered by the gateway itself)."""
    for selection in selections:
        if isinstance(selection, PreparedFragment):
            target = out.fragment(selection.type_condition) if selection.type_condition else out
            _copy(selection.selections, target, variables)
            continue
        placed = out.field(
            selection.key, selection.name, selection.arguments, selection.selections is not None
        )
        for argument in selection.arguments:
            _variables_in(argument.value, variables)
        if selection.selections is not None and placed.selections is not None:
            _copy(selection.selections, placed.selections, variables)


def _flatten_root(selections: list[PreparedSelection]) -> list[PreparedField]:
    """Root selections in order, fragments on the root type spread out."""
    flat: list[PreparedField] = []
    for selection in selections:
        if isinstance(selection, PreparedFragment):
            flat += _flatten_root(selection.selections)
        else:
            flat.append(selection)
    return flat
