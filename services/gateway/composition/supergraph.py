"""The composed supergraph: the client-facing schema and where each field can be fetched."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

from graphql import GraphQLInterfaceType, GraphQLObjectType, GraphQLSchema, SelectionSetNode

from services.gateway.composition.subgraph_schema import Key, Subgraph, SubgraphType
from services.kernel.field_costs import FieldCost


@dataclass(frozen=True)
class EntityKey:
    subgraph: str
    key: Key


@dataclass(frozen=True)
class Home:
    """Where an entity can be fetched by key: the subgraph, the type it knows the entity
    as there (the entity's own, or an @interfaceObject standing for one of its interfaces),
    and the keys it resolves it by."""

    subgraph: str
    as_type: str
    keys: tuple[Key, ...]


@dataclass
class Supergraph:
    """`schema` keeps @inaccessible parts (the planner needs them); `api_schema` does not."""

    subgraphs: dict[str, Subgraph]
    schema: GraphQLSchema
    api_schema: GraphQLSchema
    api_sdl: str
    resolvers: dict[tuple[str, str], tuple[str, ...]]
    entity_keys: dict[str, list[EntityKey]] = field(default_factory=dict)
    hints: list[str] = field(default_factory=list)
    document: str | None = None  # the supergraph file it was read from, if any

    @property
    def digest(self) -> str:
        joined = self.document or "\n".join(
            f"{name}\n{s.sdl}" for name, s in sorted(self.subgraphs.items())
        )
        return hashlib.sha256(joined.encode()).hexdigest()[:16]

    @cached_property
    def field_costs(self) -> dict[tuple[str, str], FieldCost]:
        """Each field's `@cost` and `@listSize`; where subgraphs differ, the larger guess."""
        merged: dict[tuple[str, str], FieldCost] = {}
        for subgraph in self.subgraphs.values():
            for place, declared in subgraph.field_costs.items():
                known = merged.get(place)
                if known is not None:
                    declared = FieldCost(
                        max(known.weight, declared.weight),
                        max(known.assumed_size or 0, declared.assumed_size or 0) or None,
                        tuple(dict.fromkeys(known.slicing_arguments + declared.slicing_arguments)),
                    )
                merged[place] = declared
        return merged

    def resolvable_in(self, type_name: str, field_name: str, subgraph: str) -> bool:
        """Resolved by the subgraph: on the type itself, or for an object, on an
        @interfaceObject that stands for one of its interfaces there."""
        if subgraph in self.resolvers.get((type_name, field_name), ()):
            return True
        return any(
            subgraph in self.resolvers.get((stand_in, field_name), ())
            for stand_in in self.stand_ins(type_name, subgraph)
        )

    def type_in(self, subgraph: str, type_name: str) -> SubgraphType | None:
        return self.subgraphs[subgraph].types.get(type_name)

    def stand_ins(self, type_name: str, subgraph: str) -> list[str]:
        """The interfaces of this object type that the subgraph knows as @interfaceObject."""
        found = self.schema.get_type(type_name)
        if not isinstance(found, GraphQLObjectType) or type_name in self.subgraphs[subgraph].types:
            return []
        return [
            interface.name
            for interface in found.interfaces
            if getattr(self.type_in(subgraph, interface.name), "interface_object", False)
        ]

    @cached_property
    def _homes(self) -> dict[str, list[Home]]:
        found: dict[str, list[Home]] = {}
        for name, named in self.schema.type_map.items():
            if not isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
                continue
            for subgraph in self.subgraphs:
                for as_type in [name, *self.stand_ins(name, subgraph)]:
                    known = self.type_in(subgraph, as_type)
                    keys = tuple(k for k in known.keys if k.resolvable) if known else ()
                    if keys:
                        found.setdefault(name, []).append(Home(subgraph, as_type, keys))
                        break
        return found

    def homes(self, type_name: str) -> list[Home]:
        """Every subgraph that fetches this entity (object or interface) by a key."""
        return self._homes.get(type_name, [])

    def knows_type(self, subgraph: str, type_name: str) -> bool:
        return type_name in self.subgraphs[subgraph].types

    def keys_in(self, type_name: str, subgraph: str) -> list[Key]:
        return [k.key for k in self.entity_keys.get(type_name, ()) if k.subgraph == subgraph]

    def requires(self, type_name: str, field_name: str, subgraph: str) -> SelectionSetNode | None:
        return self._subgraph_field_attribute(type_name, field_name, subgraph, "requires")

    def provides(self, type_name: str, field_name: str, subgraph: str) -> SelectionSetNode | None:
        return self._subgraph_field_attribute(type_name, field_name, subgraph, "provides")

    def stands_in(self, subgraph: str, type_name: str) -> bool:
        """Whether the subgraph knows this interface as an @interfaceObject: what it returns
        for it says `__typename: "<the interface>"`, never which implementation."""
        known = self.type_in(subgraph, type_name)
        return known is not None and known.interface_object

    def _subgraph_field_attribute(
        self, type_name: str, field_name: str, subgraph: str, attribute: str
    ) -> SelectionSetNode | None:
        subgraph_type = self.subgraphs[subgraph].types.get(type_name)
        for stand_in in self.stand_ins(type_name, subgraph):
            subgraph_type = self.subgraphs[subgraph].types[stand_in]
            if field_name in subgraph_type.fields:
                break
        found = subgraph_type.fields.get(field_name) if subgraph_type else None
        value: SelectionSetNode | None = getattr(found, attribute) if found else None
        return value
