"""Planning an operation over the supergraph into fetches.

Each selection stays in the subgraph that is fetching its parent while that subgraph can
resolve it. When it cannot, the parent fetch also selects `__typename` and a key of the
parent type (and any `@requires` fields), and the field goes into an entity fetch of a
subgraph that resolves it, shared by every field that jumps to that subgraph at that place
in the response. Fetches are then layered: a fetch runs one step after everything it needs,
and all fetches of one step to one subgraph become one request.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    GraphQLCompositeType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
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

from services.gateway.operation import PreparedField, PreparedFragment, PreparedSelection
from services.gateway.plan import (
    INTROSPECTION,
    EntityPart,
    Fetch,
    QueryPlan,
    RepresentationShape,
    RootPart,
)
from services.gateway.supergraph import Supergraph

Provided = dict[str, "Provided | None"]
INTROSPECTION_FIELDS = {"__schema", "__type"}


class PlanningError(Exception):
    """The supergraph has no way to fetch a selection (composition should prevent this)."""


@dataclass
class _Out:
    """A selection set being assembled for one subgraph operation."""

    fields: dict[str, _OutField] = field(default_factory=dict)
    fragments: dict[str, _Out] = field(default_factory=dict)

    def field(
        self, key: str, name: str, arguments: tuple[ArgumentNode, ...], composite: bool
    ) -> _OutField:
        found = self.fields.get(key)
        if found is None:
            found = self.fields[key] = _OutField(
                name, key if key != name else None, arguments, _Out() if composite else None
            )
        return found

    def fragment(self, type_name: str) -> _Out:
        return self.fragments.setdefault(type_name, _Out())

    def render(self) -> str:
        parts = [f.render() for f in self.fields.values()]
        parts += [
            f"... on {t} {out.render()}" for t, out in self.fragments.items() if not out.empty
        ]
        return "{ " + " ".join(parts or ["__typename"]) + " }"

    @property
    def empty(self) -> bool:
        return not self.fields and all(f.empty for f in self.fragments.values())


@dataclass
class _OutField:
    name: str
    alias: str | None
    arguments: tuple[ArgumentNode, ...]
    selections: _Out | None

    def render(self) -> str:
        text = f"{self.alias}: {self.name}" if self.alias else self.name
        if self.arguments:
            text += (
                "("
                + ", ".join(f"{a.name.value}: {print_ast(a.value)}" for a in self.arguments)
                + ")"
            )
        return f"{text} {self.selections.render()}" if self.selections is not None else text


_ids = itertools.count()


@dataclass(eq=False)
class _Builder:
    """A fetch while planning: root fields of one subgraph, or entities at one path."""

    subgraph: str
    path: tuple[str, ...] | None  # None for a root fetch
    parent: _Builder | None = None
    root: _Out = field(default_factory=_Out)
    entity: dict[str, _Out] = field(default_factory=dict)
    shapes: dict[str, dict[str, tuple[str, Any]]] = field(default_factory=dict)
    children: dict[tuple[str, tuple[str, ...]], _Builder] = field(default_factory=dict)
    depends: set[_Builder] = field(default_factory=set)
    variables: set[str] = field(default_factory=set)
    order: int = field(default_factory=lambda: next(_ids))

    def child(self, subgraph: str, path: tuple[str, ...]) -> _Builder:
        key = (subgraph, path)
        if key not in self.children:
            self.children[key] = _Builder(subgraph, path, parent=self)
        return self.children[key]

    def level(self) -> int:
        if self.parent is None:
            return 0
        before = [self.parent, *self.depends]
        return 1 + max(b.level() for b in before)

    def descendants(self) -> list[_Builder]:
        found = []
        for child in self.children.values():
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
    """A key or @requires field set as selections the planner can place."""
    prepared: list[PreparedField] = []
    for node in selection_set.selections:
        if isinstance(node, FieldNode):
            nested: list[PreparedSelection] | None = (
                list(_as_prepared(node.selection_set)) if node.selection_set else None
            )
            prepared.append(PreparedField(node.name.value, node.name.value, None, (), nested))
    return prepared


def _provided(selection_set: SelectionSetNode | None) -> Provided | None:
    if selection_set is None:
        return None
    return {
        node.name.value: _provided(node.selection_set)
        for node in selection_set.selections
        if isinstance(node, FieldNode)
    }


class Planner:
    def __init__(self, supergraph: Supergraph) -> None:
        self.supergraph = supergraph
        self.schema = supergraph.schema

    # placing selections

    def _resolvable(
        self, type_name: str, name: str, subgraph: str, provided: Provided | None
    ) -> bool:
        if provided is not None and name in provided:
            return True
        return self.supergraph.resolvable_in(type_name, name, subgraph)

    def _place(
        self,
        builder: _Builder,
        parent: GraphQLCompositeType,
        selections: list[PreparedSelection],
        out: _Out,
        path: tuple[str, ...],
        provided: Provided | None,
    ) -> set[_Builder]:
        """Puts selections on `parent` into `out` of `builder`; returns the fetches used."""
        used: set[_Builder] = set()
        for selection in selections:
            if isinstance(selection, PreparedFragment):
                used |= self._place_fragment(builder, parent, selection, out, path, provided)
            elif selection.name == "__typename":
                out.field(selection.key, "__typename", (), False)
            elif isinstance(parent, GraphQLObjectType) or (
                isinstance(parent, GraphQLInterfaceType)
                and self.supergraph.resolvable_in(parent.name, selection.name, builder.subgraph)
            ):
                used |= self._place_field(builder, parent, selection, out, path, provided)
            else:  # an interface field this subgraph cannot resolve: per implementation
                for possible in self.schema.get_possible_types(parent):
                    if self.supergraph.knows_type(builder.subgraph, possible.name):
                        fragment = PreparedFragment(possible.name, [selection])
                        used |= self._place_fragment(builder, parent, fragment, out, path, provided)
        return used

    def _place_fragment(
        self,
        builder: _Builder,
        parent: GraphQLCompositeType,
        fragment: PreparedFragment,
        out: _Out,
        path: tuple[str, ...],
        provided: Provided | None,
    ) -> set[_Builder]:
        condition = fragment.type_condition or parent.name
        if condition == parent.name:
            return self._place(builder, parent, fragment.selections, out, path, provided)
        if not self.supergraph.knows_type(builder.subgraph, condition):
            return set()  # this subgraph never returns objects of that type
        target = self.schema.get_type(condition)
        assert is_composite_type(target), condition  # validation checked the condition
        out.field("__typename", "__typename", (), False)
        return self._place(
            builder,
            target,
            fragment.selections,
            out.fragment(condition),
            path,
            provided,
        )

    def _place_field(
        self,
        builder: _Builder,
        parent: GraphQLObjectType | GraphQLInterfaceType,
        selection: PreparedField,
        out: _Out,
        path: tuple[str, ...],
        provided: Provided | None,
    ) -> set[_Builder]:
        if not self._resolvable(parent.name, selection.name, builder.subgraph, provided):
            assert isinstance(parent, GraphQLObjectType)
            return self._jump(builder, parent, selection, out, path, provided)
        definition = parent.fields[selection.name]
        field_type = get_named_type(definition.type)
        composite = is_composite_type(field_type)
        placed = out.field(selection.key, selection.name, selection.arguments, composite)
        for argument in selection.arguments:
            _variables_in(argument.value, builder.variables)
        if not composite or placed.selections is None or selection.selections is None:
            return set()
        if is_abstract_type(field_type):
            placed.selections.field("__typename", "__typename", (), False)
        below = path + (selection.key,) + ("@",) * _list_depth(definition.type)
        provides = self.supergraph.provides(parent.name, selection.name, builder.subgraph)
        child_provided = _provided(provides) if provides else (provided or {}).get(selection.name)
        return self._place(
            builder,
            field_type,
            selection.selections,
            placed.selections,
            below,
            child_provided,
        )

    def _jump(
        self,
        builder: _Builder,
        parent: GraphQLObjectType,
        selection: PreparedField,
        out: _Out,
        path: tuple[str, ...],
        provided: Provided | None,
    ) -> set[_Builder]:
        """Fetches the field from a subgraph that resolves it, keyed by this object."""
        resolving = self.supergraph.resolvers.get((parent.name, selection.name), ())
        candidates = [s for s in resolving if self.supergraph.keys_in(parent.name, s)]
        if not candidates:
            raise PlanningError(
                f"{parent.name}.{selection.name} cannot be fetched from {builder.subgraph}: "
                f"no subgraph resolving it ({', '.join(resolving)}) has a key for {parent.name}"
            )
        existing = [s for s in candidates if (s, path) in builder.children]
        target = (existing or candidates)[0]
        keys = self.supergraph.keys_in(parent.name, target)
        local = [
            k
            for k in keys
            if all(
                self._resolvable(parent.name, n.name, builder.subgraph, provided)
                for n in _as_prepared(k.fields)
            )
        ]
        if not local:
            raise PlanningError(
                f"{parent.name}.{selection.name} cannot be fetched from {builder.subgraph}: "
                f"no key of {parent.name} in {target} has all its fields there"
            )
        child = builder.child(target, path)
        representation = _as_prepared(local[0].fields)
        requires = self.supergraph.requires(parent.name, selection.name, target)
        if requires is not None:
            representation += _as_prepared(requires)
        for prepared in representation:  # a user alias may already use the field's name
            taken = out.fields.get(prepared.key)
            if taken is not None and (taken.name != prepared.name or taken.arguments):
                prepared.key = f"_{prepared.name}_key"
        out.field("__typename", "__typename", (), False)
        needed = self._place(builder, parent, list(representation), out, path, provided)
        needed.discard(child)
        child.depends |= needed
        shape = child.shapes.setdefault(parent.name, {})
        for prepared in representation:
            shape.setdefault(prepared.key, (prepared.name, prepared.selections))
        entity_out = child.entity.setdefault(parent.name, _Out())
        used = self._place(child, parent, [selection], entity_out, path, None)
        return {child, *needed, *used}

    # building the plan

    def plan(
        self, operation: OperationDefinitionNode, selections: list[PreparedSelection]
    ) -> QueryPlan:
        kind = operation.operation.value
        root_type = self.schema.get_root_type(operation.operation)
        if root_type is None:
            raise PlanningError(f"the supergraph has no {kind} type")
        definitions = {
            d.variable.name.value: print_ast(d) for d in operation.variable_definitions or ()
        }
        name = operation.name.value if operation.name else None
        roots: list[_Builder] = []
        for selection in _flatten_root(selections):
            if selection.name == "__typename":
                continue
            subgraph = self._root_subgraph(root_type.name, selection.name, roots, kind)
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

    def _root_subgraph(self, root: str, name: str, roots: list[_Builder], kind: str) -> str:
        if name in INTROSPECTION_FIELDS:
            return INTROSPECTION
        resolving = self.supergraph.resolvers.get((root, name), ())
        if not resolving:
            raise PlanningError(f"no subgraph resolves {root}.{name}")
        used = [r.subgraph for r in roots if r.subgraph in resolving]
        return used[-1] if used and kind == "query" else resolving[0]

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
                fetch.root = RootPart(builder.root.render()[2:-2], tuple(builder.root.fields))
            else:
                fetch.entities.append(self._entity_part(builder))
        return fetch

    def _entity_part(self, builder: _Builder) -> EntityPart:
        assert builder.path is not None
        selection = " ".join(f"... on {t} {out.render()}" for t, out in builder.entity.items())
        return EntityPart(
            path=builder.path,
            shapes={t: _representation(fields) for t, fields in builder.shapes.items()},
            selection=selection,
            field_keys={t: tuple(out.fields) for t, out in builder.entity.items()},
        )


def _representation(fields: dict[str, tuple[str, Any]]) -> RepresentationShape:
    shape = []
    for key, (name, nested) in fields.items():
        inner = _representation({s.key: (s.name, s.selections) for s in nested}) if nested else None
        shape.append((name, key, inner))
    return tuple(shape)


def _copy(selections: list[PreparedSelection], out: _Out, variables: set[str]) -> None:
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
