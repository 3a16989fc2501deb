"""Planning an operation over the supergraph into fetches.

Each field is placed the cheapest way (`plan_costs`): in the fetch of its parent when that
subgraph can answer for it and all below it, else in an entity fetch of a subgraph a key of
the parent leads to (the parent fetch then also selects `__typename`, the key and any
`@requires` fields), or with its selections shared out among several. An entity fetch is
shared by every field that jumps to that subgraph at that place in the response, unless
it must come after one of them. Fetches are then layered: a fetch runs one step after
everything it needs, and all fetches of one step to one subgraph become one request.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from typing import Any

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
    VariableNode,
    get_named_type,
    is_abstract_type,
    is_composite_type,
    print_ast,
)
from graphql.language import ArgumentNode, ValueNode

from services.gateway.composition.subgraph_schema import Key, named_type
from services.gateway.composition.supergraph import Home, Supergraph
from services.gateway.planning.costs import Costs, Route
from services.gateway.planning.fetch_selection import FetchSelection
from services.gateway.planning.operation import PreparedField, PreparedFragment, PreparedSelection
from services.gateway.planning.query_plan import (
    INTROSPECTION,
    EntityPart,
    Fetch,
    QueryPlan,
    RepresentationShape,
    RootPart,
)
from services.gateway.planning.reach import Provided, Reach, provided_below

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


@dataclass(frozen=True)
class Spot:
    """Where planning stands: the fetch being built, the type whose selections are placed,
    the selection they are written into, the place in the response, and what a @provides
    above gives there."""

    builder: _Builder
    parent: GraphQLCompositeType
    out: FetchSelection
    path: tuple[str, ...]
    provided: Provided | None

    @property
    def fielded(self) -> GraphQLObjectType | GraphQLInterfaceType:
        """The parent, where a field is placed (a union has none of its own)."""
        assert isinstance(self.parent, GraphQLObjectType | GraphQLInterfaceType), self.parent
        return self.parent


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


class Planner:
    def __init__(self, supergraph: Supergraph) -> None:
        self.supergraph = supergraph
        self.schema = supergraph.schema
        self.reach = Reach(supergraph)
        self.costs = Costs(self.reach)
        # per fetch and place in the response: the subgraphs that could as well have
        # answered the field there, each with the field's type there
        self._answerers: dict[tuple[_Builder, tuple[str, ...]], frozenset[tuple[str, str]]] = {}

    # placing selections

    def _place(self, spot: Spot, selections: list[PreparedSelection]) -> set[_Builder]:
        """Puts selections on the spot's type into its selection; returns the fetches used."""
        used: set[_Builder] = set()
        subgraph, parent = spot.builder.subgraph, spot.parent
        for selection in selections:
            if self.reach.elsewhere(subgraph, parent, selection, spot.provided):
                used |= self._place_elsewhere(spot, selection)
            elif isinstance(selection, PreparedFragment):
                used |= self._place_fragment(spot, selection)
            elif selection.name == "__typename":
                if not self.reach.by_stand_in(subgraph, parent):
                    spot.out.field(selection.key, "__typename", (), False)
            elif isinstance(parent, GraphQLObjectType) or (
                isinstance(parent, GraphQLInterfaceType)
                and self.reach.on_interface(subgraph, parent, selection.name, spot.provided)
            ):
                used |= self._place_field(spot, selection)
            else:  # an interface field this subgraph cannot resolve: per implementation
                implementations = self.reach.implementations_in(subgraph, parent)
                if not implementations:
                    raise PlanningError(
                        f"{parent.name}.{selection.name} cannot be had from {subgraph}: it "
                        "neither resolves it nor has an implementation of "
                        f"{parent.name} to ask it of"
                    )
                for possible in implementations:
                    used |= self._place_fragment(spot, PreparedFragment(possible, [selection]))
        return used

    def _place_elsewhere(self, spot: Spot, selection: PreparedSelection) -> set[_Builder]:
        """From a subgraph a key of the interface leads to: one that knows its
        implementations, or, for a field, one that resolves it."""
        parent = spot.parent
        assert isinstance(parent, GraphQLInterfaceType)
        name = "__typename" if isinstance(selection, PreparedFragment) else selection.name
        reachable = self.reach.jump_targets(spot.builder.subgraph, parent, name, spot.provided)
        existing = [(h, k) for h, k in reachable if spot.builder.has_child(h.subgraph, spot.path)]
        if not reachable:
            raise PlanningError(
                f"{parent.name}.{name} cannot be had from {spot.builder.subgraph}, where "
                f"{parent.name} is an @interfaceObject, nor from a subgraph its keys lead to"
            )
        home, key = [*existing, *reachable][0]
        requires = self.supergraph.requires(parent.name, name, home.subgraph)
        return self._send(spot, [selection], home, key, requires)

    def _place_fragment(self, spot: Spot, fragment: PreparedFragment) -> set[_Builder]:
        parent, subgraph = spot.parent, spot.builder.subgraph
        condition = fragment.type_condition or parent.name
        target = self.schema.get_type(condition)
        assert is_composite_type(target), condition  # validation checked the condition
        if condition == parent.name or (
            isinstance(parent, GraphQLObjectType) and self.reach.covers(target, parent)
        ):
            return self._place(spot, fragment.selections)
        if isinstance(parent, GraphQLObjectType):
            return set()  # an object of this type is never of that one
        if not self.supergraph.knows_type(subgraph, condition):
            return set()  # this subgraph never returns objects of that type
        if isinstance(target, GraphQLObjectType) and not self._everywhere(spot, condition):
            return set()
        concrete = self.reach.concrete(subgraph, parent, target)
        if concrete is not None:  # the subgraph relates the types otherwise: type by type
            used: set[_Builder] = set()
            for type_name in concrete:
                used |= self._place_fragment(spot, PreparedFragment(type_name, fragment.selections))
            return used
        spot.out.field("__typename", "__typename", (), False)
        within = replace(spot, parent=target, out=spot.out.fragment(condition))
        return self._place(within, fragment.selections)

    def _everywhere(self, spot: Spot, type_name: str) -> bool:
        """Whether every subgraph that could as well have answered the field above returns
        objects of this type there: a plan's answer must not depend on which of them it
        asked, so a type only some of them return is left out."""
        for subgraph, own in self._answerers.get((spot.builder, spot.path), ()):
            if own != type_name and not self.reach.possible_in(subgraph, own, type_name):
                return False
        return True

    def _place_field(self, spot: Spot, selection: PreparedField) -> set[_Builder]:
        """Here when this subgraph can answer for the field and all below it; otherwise from
        the subgraphs that can, each taking the part of the selections it can answer for."""
        builder, parent, provided = spot.builder, spot.fielded, spot.provided
        carried = (parent.name, selection.name) in builder.carried
        here = self.costs.here_cost(builder.subgraph, parent, selection, provided, carried)
        if here == 0 or not self.reach.keyed(parent):
            return self._place_here(spot, selection)
        routes = self.costs.routes(builder.subgraph, parent, selection, provided, carried)
        shared = self.costs.shared(routes, parent, selection, provided, frozenset(), carried)
        if shared is None:
            raise PlanningError(
                f"{parent.name}.{selection.name} cannot be had from {builder.subgraph}, nor "
                "from any subgraph one of its keys leads to"
            )
        used: set[_Builder] = set()
        for route, part, _ in shared:
            if route.by_key:
                used |= self._jump(spot, part, route.subgraph)
            else:
                used |= self._place_here(spot, part)
        return used

    def _place_here(self, spot: Spot, selection: PreparedField) -> set[_Builder]:
        builder, parent = spot.builder, spot.fielded
        definition = parent.fields[selection.name]
        field_type = get_named_type(definition.type)
        composite = is_composite_type(field_type)
        placed = spot.out.field(
            selection.key,
            selection.name,
            selection.arguments,
            composite,
            self.reach.type_text(builder.subgraph, parent, selection.name),
        )
        for argument in selection.arguments:
            _variables_in(argument.value, builder.variables)
        if not composite or placed.selections is None or selection.selections is None:
            return set()
        if is_abstract_type(field_type):
            placed.selections.field("__typename", "__typename", (), False)
        below = spot.path + (selection.key,) + ("@",) * _list_depth(definition.type)
        self._answerers[(builder, below)] = self._answering(spot, selection.name)
        provides = self.supergraph.provides(parent.name, selection.name, builder.subgraph)
        within = Spot(
            builder,
            self.reach.own_type(builder.subgraph, parent, selection.name) or field_type,
            placed.selections,
            below,
            provided_below(provides) if provides else (spot.provided or {}).get(selection.name),
        )
        return self._place(within, selection.selections)

    def _answering(self, spot: Spot, name: str) -> frozenset[tuple[str, str]]:
        """The subgraphs that could as well answer this field here, each with the field's
        type there: those that could answer for the parent and resolve it, and for an
        entity, those a key leads to that resolve it."""
        builder, parent = spot.builder, spot.fielded
        above = self._answerers.get((builder, spot.path))
        could = {s for s, _ in above} if above else set(self.supergraph.subgraphs)
        if not above and spot.path:  # the start of an entity fetch: where it was sent
            could = {builder.subgraph}
        could |= {h.subgraph for h in self.supergraph.homes(parent.name)}
        found = {builder.subgraph}
        found |= {s for s in could if self.supergraph.resolvable_in(parent.name, name, s)}
        return frozenset(
            (s, named_type(declared))
            for s in found
            if (declared := self.reach.declared(s, parent, name)) is not None
        )

    def _jump(self, spot: Spot, selection: PreparedField, target: str | None) -> set[_Builder]:
        """Fetches the field from a subgraph that resolves it, keyed by this object."""
        builder, parent = spot.builder, spot.fielded
        reachable = self.reach.jump_targets(builder.subgraph, parent, selection.name, spot.provided)
        existing = [(h, k) for h, k in reachable if builder.has_child(h.subgraph, spot.path)]
        chosen = [(h, k) for h, k in [*existing, *reachable] if target in (None, h.subgraph)]
        if not chosen:
            raise PlanningError(
                f"{parent.name}.{selection.name} cannot be fetched from {builder.subgraph}: "
                f"no subgraph resolving it has a key of {parent.name} that can be gathered there"
            )
        home, key = chosen[0]
        requires = self.supergraph.requires(parent.name, selection.name, home.subgraph)
        return self._send(spot, [selection], home, key, requires)

    def _send(
        self,
        spot: Spot,
        selections: list[PreparedSelection],
        home: Home,
        key: Key,
        requires: SelectionSetNode | None = None,
    ) -> set[_Builder]:
        """Puts the selections into an entity fetch of `home`, this object's representation
        (its key, and what a @requires needs) gathered into the spot's selection for it."""
        builder, parent, out = spot.builder, spot.parent, spot.out
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
        needed = self._place(spot, list(representation))

        def fits(candidate: _Builder) -> bool:
            """Its representations do not already send one of these fields otherwise
            (a @requires of the same field with other arguments)."""
            shape = candidate.shapes.get(parent.name, {})
            sent = {name: key for key, (name, _) in shape.items()}
            return all(sent.get(p.name, p.key) == p.key for p in representation)

        child = builder.child(home.subgraph, spot.path, after=needed, fits=fits)
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
        used = self._place(Spot(child, parent, entity_out, spot.path, None), selections)
        return {child, *needed, *used}

    # building the plan

    def plan(
        self, operation: OperationDefinitionNode, selections: list[PreparedSelection]
    ) -> QueryPlan:
        self.costs.clear()
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
                    self._place(Spot(builder, root_type, builder.root, (), None), [selection])
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
            Route(s, True) for s in [*reversed(used), *(s for s in resolving if s not in used)]
        ]
        shared = self.costs.shared(ordered, root, selection, None, frozenset())
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
