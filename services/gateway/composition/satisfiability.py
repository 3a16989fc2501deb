"""The satisfiability analysis: every query the supergraph's API allows can be answered by
some plan over the subgraphs.

It walks the API schema from each root, type by type, carrying the set of places a plan
could be at: a subgraph, the type it knows the object as there (its own, a subtype, or an
@interfaceObject), and the fields a `@provides` above made available. A field advances
every place that can resolve it, directly or after jumping by key to other subgraphs (a
key can be had when the subgraphs reached so far resolve its fields, and a `@requires`
when its fields can be had the same way). An abstract type's fields are checked on each of
its possible types, as the reference composers do: there (in a @requires, say) an interface
field a subgraph does not resolve on the interface is tried on each implementation it has.
A field that no place can
advance is a query path no plan resolves: a problem naming that path. A type is explored
again only with places it has not been explored with before, or fewer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from graphql import (
    FieldNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
    is_composite_type,
)

from services.gateway.composition.problems import Problem
from services.gateway.composition.subgraph_schema import SubgraphField, named_type
from services.gateway.composition.supergraph import Supergraph

# what a @provides above makes available: field name -> what is available below it
Provision = tuple[tuple[str, "Provision"], ...]
NOTHING: Provision = ()
MAX_STATES = 200_000  # a supergraph whose analysis takes more is refused, not waited for


@dataclass(frozen=True)
class Place:
    subgraph: str
    as_type: str  # the type the subgraph knows the object as
    provided: Provision = NOTHING


Places = frozenset[Place]


def provision(selection_set: SelectionSetNode | None) -> Provision:
    """The fields a @provides names, fragments flattened into their parent's."""
    found: dict[str, Provision] = {}
    for node in selection_set.selections if selection_set else ():
        if isinstance(node, FieldNode):
            below = provision(node.selection_set)
            found[node.name.value] = _united(found.get(node.name.value, NOTHING), below)
        elif isinstance(node, InlineFragmentNode):
            for name, below in provision(node.selection_set):
                found[name] = _united(found.get(name, NOTHING), below)
    return tuple(sorted(found.items()))


def _united(a: Provision, b: Provision) -> Provision:
    merged = dict(a)
    for name, below in b:
        merged[name] = _united(merged.get(name, NOTHING), below)
    return tuple(sorted(merged.items()))


def _below(provided: Provision, name: str) -> Provision | None:
    return next((below for field, below in provided if field == name), None)


class UnsatisfiableError(Exception):
    pass


class _Analysis:
    def __init__(self, supergraph: Supergraph) -> None:
        self.supergraph = supergraph
        self.schema = supergraph.schema
        self.api = supergraph.api_schema
        self.advanced: dict[tuple[str, str, Places, frozenset[tuple[str, str]]], Places] = {}
        self.states = 0

    # what a subgraph resolves

    def _declared(self, place: Place, name: str) -> SubgraphField | None:
        known = self.supergraph.type_in(place.subgraph, place.as_type)
        return known.fields.get(name) if known else None

    def _resolves(self, place: Place, name: str) -> bool:
        if _below(place.provided, name) is not None:
            return True
        return self.supergraph.resolvable_in(place.as_type, name, place.subgraph)

    def _after(self, place: Place, name: str) -> Place | None:
        """Where resolving the field in this place leaves the plan."""
        declared = self._declared(place, name)
        if declared is None:
            return None
        below = _below(place.provided, name)
        if below is None:
            below = provision(declared.provides)
        return Place(place.subgraph, named_type(declared.type), below)

    # jumping by key

    def _reachable(self, start: Place) -> list[Place]:
        """The places of the same object a plan can reach from this one, by keys whose
        fields the places reached so far resolve; the start first."""
        known = self.supergraph.type_in(start.subgraph, start.as_type)
        if known is None or known.kind not in ("object", "interface"):
            return [start]
        entity = start.as_type
        reached = [start]
        homes = [h for h in self.supergraph.homes(entity) if h.subgraph != start.subgraph]
        grew = True
        while grew:
            grew = False
            for home in homes:
                if any(p.subgraph == home.subgraph for p in reached):
                    continue
                if any(self._gatherable(reached, key.fields) for key in home.keys):
                    reached.append(Place(home.subgraph, home.as_type))
                    grew = True
        return reached

    def _gatherable(self, reached: list[Place], fields: SelectionSetNode) -> bool:
        for node in fields.selections:
            if isinstance(node, FieldNode) and not any(
                self._resolves(p, node.name.value) for p in reached
            ):
                return False
        return True

    # advancing

    def advance(
        self,
        type_name: str,
        name: str,
        places: Places,
        requiring: frozenset[tuple[str, str]] = frozenset(),
    ) -> Places:
        memo = (type_name, name, places, requiring)
        if memo not in self.advanced:
            found: set[Place] = set()
            for place in places:
                found |= self._advance_one(name, place, requiring)
            self.advanced[memo] = frozenset(found)
        return self.advanced[memo]

    def _advance_one(
        self, name: str, place: Place, requiring: frozenset[tuple[str, str]]
    ) -> set[Place]:
        known = self.supergraph.type_in(place.subgraph, place.as_type)
        if known is None:
            return set()
        if known.kind == "interface" and not self._answers_on_interface(place, name):
            return self._exploded(name, place, requiring)
        found: set[Place] = set()
        for reached in self._reachable(place):
            if not self._resolves(reached, name) or (reached.as_type, name) in requiring:
                continue
            if not self._requirements_met(reached, name, place, requiring):
                continue
            after = self._after(reached, name)
            if after is not None:
                found.add(after)
        return found

    def _answers_on_interface(self, place: Place, name: str) -> bool:
        """An interface field the subgraph resolves for every implementation it has."""
        if not self._resolves(place, name):
            return False
        for implementation in self._implementations(place):
            if not self._resolves(implementation, name):
                return False
        return True

    def _implementations(self, place: Place) -> list[Place]:
        subgraph = self.supergraph.subgraphs[place.subgraph]
        return [
            Place(place.subgraph, type_name, place.provided)
            for type_name, candidate in subgraph.types.items()
            if candidate.kind == "object" and place.as_type in candidate.interfaces
        ]

    def _exploded(
        self, name: str, place: Place, requiring: frozenset[tuple[str, str]]
    ) -> set[Place]:
        """The field on each implementation the subgraph has; every one must answer."""
        found: set[Place] = set()
        implementations = self._implementations(place)
        for implementation in implementations:
            advanced = self._advance_one(name, implementation, requiring)
            if not advanced:
                return set()
            found |= advanced
        return found

    def _requirements_met(
        self, reached: Place, name: str, start: Place, requiring: frozenset[tuple[str, str]]
    ) -> bool:
        declared = self._declared(reached, name)
        if declared is None or declared.requires is None:
            return True
        places = frozenset(Place(p.subgraph, p.as_type) for p in self._reachable(start))
        return self._collectable(
            reached.as_type, declared.requires, places, requiring | {(reached.as_type, name)}
        )

    def _collectable(
        self,
        type_name: str,
        selection_set: SelectionSetNode,
        places: Places,
        requiring: frozenset[tuple[str, str]],
    ) -> bool:
        for node in selection_set.selections:
            if isinstance(node, InlineFragmentNode):
                condition = node.type_condition.name.value if node.type_condition else type_name
                narrowed = self.downcast(places, condition)
                if narrowed and not self._collectable(
                    condition, node.selection_set, narrowed, requiring
                ):
                    return False
                continue
            if not isinstance(node, FieldNode) or node.name.value == "__typename":
                continue
            advanced = self.advance(type_name, node.name.value, places, requiring)
            if not advanced:
                return False
            if node.selection_set is not None:
                parent = self.schema.get_type(type_name)
                assert isinstance(parent, GraphQLObjectType | GraphQLInterfaceType)
                target = get_named_type(parent.fields[node.name.value].type).name
                if not self._collectable(target, node.selection_set, advanced, requiring):
                    return False
        return True

    def downcast(self, places: Places, type_name: str) -> Places:
        """The places that can be an object of this type: the subgraph's own abstract type
        having it as a possible type, or, from an @interfaceObject, the places a key leads
        to where the interface and its implementations are known."""
        found: set[Place] = set()
        for place in places:
            known = self.supergraph.type_in(place.subgraph, place.as_type)
            if known is None:
                continue
            if place.as_type == type_name:
                found.add(place)
            elif known.interface_object:
                for reached in self._reachable(place):
                    home = self.supergraph.type_in(reached.subgraph, reached.as_type)
                    if home is not None and home.kind == "interface":
                        found |= self.downcast(frozenset({reached}), type_name)
            elif self._possible_in(place, type_name):
                found.add(Place(place.subgraph, type_name, place.provided))
        return frozenset(found)

    def _possible_in(self, place: Place, type_name: str) -> bool:
        known = self.supergraph.type_in(place.subgraph, place.as_type)
        target = self.supergraph.type_in(place.subgraph, type_name)
        if known is None or target is None:
            return False
        if known.kind == "union":
            return type_name in known.members
        return known.kind == "interface" and place.as_type in target.interfaces

    # the walk

    def run(self) -> list[Problem]:
        problems: list[Problem] = []
        failed: set[tuple[str, str]] = set()
        explored: dict[str, list[Places]] = {}
        stack: list[tuple[str, Places, tuple[str, ...]]] = []
        for root in (self.api.query_type, self.api.mutation_type, self.api.subscription_type):
            if root is not None:
                start = frozenset(
                    Place(name, root.name)
                    for name, subgraph in self.supergraph.subgraphs.items()
                    if root.name in subgraph.types
                )
                stack.append((root.name, start, ()))
        while stack:
            type_name, places, path = stack.pop()
            if any(seen <= places for seen in explored.get(type_name, ())):
                continue
            explored.setdefault(type_name, []).append(places)
            self.states += 1
            if self.states > MAX_STATES:
                raise UnsatisfiableError(
                    f"the satisfiability analysis went past {MAX_STATES} states"
                )
            named = self.api.get_type(type_name)
            # an abstract type's fields are checked on each of its possible types, where
            # the subgraphs answering them may differ, as the reference composers do
            if isinstance(named, GraphQLObjectType):
                for name, definition in named.fields.items():
                    advanced = self.advance(type_name, name, places)
                    if not advanced:
                        if (type_name, name) not in failed:
                            failed.add((type_name, name))
                            problems.append(self._unsatisfiable(path, type_name, name, places))
                        continue
                    target = get_named_type(definition.type)
                    if is_composite_type(target):
                        stack.append((target.name, advanced, (*path, name)))
            if is_abstract_type(named):
                assert isinstance(named, GraphQLInterfaceType | GraphQLUnionType)
                for possible in self.api.get_possible_types(named):
                    narrowed = self.downcast(places, possible.name)
                    if narrowed:
                        stack.append((possible.name, narrowed, (*path, f"... on {possible.name}")))
        return problems

    @staticmethod
    def _unsatisfiable(
        path: tuple[str, ...], type_name: str, name: str, places: Iterable[Place]
    ) -> Problem:
        query = "{ " + " { ".join((*path, name)) + " }" * (len(path) + 1)
        subgraphs = sorted({p.subgraph for p in places})
        where = (
            f"subgraph {subgraphs[0]}"
            if len(subgraphs) == 1
            else ("subgraphs " + ", ".join(subgraphs))
        )
        return Problem(
            "SATISFIABILITY_ERROR",
            f"the query {query} cannot be answered: a plan reaches {type_name} in {where}, "
            f"where {type_name}.{name} is not resolved, nor in any subgraph a key leads to",
        )


def unsatisfiable(supergraph: Supergraph) -> list[Problem]:
    """A problem for each query path no plan can resolve."""
    try:
        return _Analysis(supergraph).run()
    except UnsatisfiableError as exc:
        return [Problem("SATISFIABILITY_ERROR", str(exc))]
