"""What answering a selection from a subgraph costs, for the planner to take the cheapest
way to have each field: resolved where its parent is fetched, or by an entity fetch keyed by
the parent from one subgraph, or its selections shared out among several. A jump costs a
fetch and the fields it carries, so a plan never jumps back and forth. None: no way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import NamedTuple

from graphql import (
    GraphQLCompositeType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    get_named_type,
    is_composite_type,
)

from services.gateway.planning.operation import PreparedField, PreparedFragment, PreparedSelection
from services.gateway.planning.reach import Provided, Reach, provided_below

# what a jump to another subgraph costs, besides one for each field it carries: a fetch
# more, and a step more of waiting when it follows another
JUMP_COST = 1000


def size(selection: PreparedSelection) -> int:
    """How many fields a selection holds, itself and all below it."""
    own = 1 if isinstance(selection, PreparedField) else 0
    return own + sum(size(below) for below in selection.selections or ())


class Route(NamedTuple):
    """Where a field can come from: the subgraph fetching its parent, or (`by_key`) an
    entity fetch keyed by the parent."""

    subgraph: str
    by_key: bool


class Costs:
    def __init__(self, reach: Reach) -> None:
        self.reach = reach
        self.supergraph = reach.supergraph
        self.schema = reach.schema
        # costs already worked out, by place; each entry keeps its selection and what was
        # provided alive, so that their ids in the key stay theirs
        self._costs: dict[tuple, tuple[int | None, PreparedField, Provided | None]] = {}

    def clear(self) -> None:
        self._costs.clear()

    def cost(
        self,
        subgraph: str,
        parent: GraphQLCompositeType,
        selections: list[PreparedSelection],
        provided: Provided | None,
        seen: frozenset[tuple[str, str, str]],
    ) -> int | None:
        total = 0
        for selection in selections:
            if self.reach.elsewhere(subgraph, parent, selection, provided):
                found: int | None = JUMP_COST + size(selection)
            elif isinstance(selection, PreparedFragment):
                condition = selection.type_condition or parent.name
                target = self.schema.get_type(condition)
                assert is_composite_type(target), condition
                if condition == parent.name or (
                    isinstance(parent, GraphQLObjectType) and self.reach.covers(target, parent)
                ):
                    target = parent
                elif isinstance(parent, GraphQLObjectType):
                    continue  # an object of this type is never of that one
                elif not self.supergraph.knows_type(subgraph, condition):
                    continue  # this subgraph never returns objects of that type
                found = self.cost(subgraph, target, selection.selections, provided, seen)
            elif selection.name == "__typename":
                found = 0
            elif isinstance(parent, GraphQLObjectType) or (
                isinstance(parent, GraphQLInterfaceType)
                and self.reach.on_interface(subgraph, parent, selection.name, provided)
            ):
                found = self.field_cost(subgraph, parent, selection, provided, seen)
            else:  # per implementation this subgraph returns
                implementations = self.reach.implementations_in(subgraph, parent)
                found = 0 if implementations else None
                for possible in implementations:
                    target = self.schema.get_type(possible)
                    assert isinstance(target, GraphQLObjectType)
                    each = self.field_cost(subgraph, target, selection, provided, seen)
                    found = None if each is None or found is None else found + each
            if found is None:
                return None
            total += found
        return total

    def below_cost(
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
        below = provided_below(provides) if provides else (provided or {}).get(selection.name)
        own = self.reach.own_type(subgraph, parent, selection.name) or field_type
        return self.cost(subgraph, own, selection.selections, below, frozenset())

    def here_cost(
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
        if not self.reach.resolvable(parent.name, selection.name, subgraph, provided):
            return None
        if not carried and self.reach.requires_in(subgraph, parent, selection.name):
            return None
        return self.below_cost(subgraph, parent, selection, provided)

    def field_cost(
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
        found = self.here_cost(subgraph, parent, selection, provided, carried)
        place = (subgraph, parent.name, selection.name)
        if found != 0 and self.reach.keyed(parent) and place not in seen:
            routes = self.routes(subgraph, parent, selection, provided, carried)
            shared = self.shared(routes, parent, selection, provided, seen | {place}, carried)
            if shared is not None:
                cost = sum(c for _, _, c in shared)
                found = cost if found is None else min(found, cost)
        self._costs[memo] = (found, selection, provided)
        return found

    def routes(
        self,
        subgraph: str,
        parent: GraphQLObjectType | GraphQLInterfaceType,
        selection: PreparedField,
        provided: Provided | None,
        carried: bool = False,
    ) -> list[Route]:
        """This subgraph where it resolves the field, then those a key of the parent reaches
        (this one too, for a field it resolves with a @requires)."""
        name = selection.name
        local = self.reach.resolvable(parent.name, name, subgraph, provided) and (
            carried or not self.reach.requires_in(subgraph, parent, name)
        )
        jumps = self.reach.jump_targets(subgraph, parent, name, provided)
        return ([Route(subgraph, False)] if local else []) + [
            Route(h.subgraph, True) for h, _ in jumps
        ]

    def shared(
        self,
        routes: list[Route],
        parent: GraphQLObjectType | GraphQLInterfaceType,
        selection: PreparedField,
        provided: Provided | None,
        seen: frozenset[tuple[str, str, str]],
        carried: bool = False,
    ) -> list[tuple[Route, PreparedField, int]] | None:
        """The field from the one route that answers it most cheaply, or its selections
        shared out when that costs less; with the cost of each part. A jump costs a fetch
        and the fields it carries, so a plan never jumps back and forth."""

        def cost(route: Route, part: PreparedField) -> int | None:
            if not route.by_key:
                return self.here_cost(route.subgraph, parent, part, provided, carried)
            found = self.field_cost(route.subgraph, parent, part, None, seen, carried=True)
            return None if found is None else found + JUMP_COST + size(part)

        wholes = [(c, i, r) for i, r in enumerate(routes) if (c := cost(r, selection)) is not None]
        whole = min(wholes, default=None)
        shared = self.share_out(routes, selection, cost) if selection.selections else None
        if shared is not None:
            shared_cost = sum(c for _, _, c in shared)
            if whole is None or shared_cost < whole[0]:
                return shared
        if whole is None:
            return None
        best, _, route = whole
        return [(route, selection, best)]

    @staticmethod
    def share_out(
        routes: list[Route],
        selection: PreparedField,
        cost: Callable[[Route, PreparedField], int | None],
    ) -> list[tuple[Route, PreparedField, int]] | None:
        """Each selection below the field to the route that answers for it most cheaply;
        the parts that go to one route share its jump."""
        shares: dict[Route, list[PreparedSelection]] = {}
        total: dict[Route, int] = {}
        for below in selection.selections or ():
            part = dataclasses.replace(selection, selections=[below])
            costs = [(c, i, r) for i, r in enumerate(routes) if (c := cost(r, part)) is not None]
            if not costs:
                return None
            each, _, route = min(costs)
            if route.by_key and route in total:
                each -= JUMP_COST
            shares.setdefault(route, []).append(below)
            total[route] = total.get(route, 0) + each
        return [
            (route, dataclasses.replace(selection, selections=parts), total[route])
            for route, parts in shares.items()
        ]
