"""A supergraph in the standard join-spec form (join v0.1-v0.5), read into the gateway's model.

Any standard composer writes this form: each type says in which subgraphs it lives
(`@join__type(graph:, key:, resolvable:, extension:, isInterfaceObject:)`), each field where it
is resolved (`@join__field(graph:, requires:, provides:, external:, type:, override:,
usedOverridden:)`; a field without it is in every subgraph of its type, one with a graphless
`@join__field` in none), and `@join__implements`, `@join__unionMember` and
`@join__enumValue` say the rest. Read here, the supergraph becomes one view per subgraph, the
same as composing the subgraphs themselves gives, and the API schema without the join
machinery and without what is `@inaccessible`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumValueNode,
    FieldDefinitionNode,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    ObjectTypeDefinitionNode,
    ScalarTypeDefinitionNode,
    StringValueNode,
    TypeDefinitionNode,
    UnionTypeDefinitionNode,
    build_ast_schema,
    parse,
    parse_type,
    print_schema,
)
from graphql.language import DirectiveDefinitionNode, SchemaDefinitionNode

from services.gateway.composition.subgraph_schema import (
    Key,
    Subgraph,
    SubgraphField,
    SubgraphSchemaError,
    SubgraphType,
    field_set,
)
from services.gateway.composition.supergraph import EntityKey, Supergraph
from services.kernel.field_costs import declared_costs

JOIN = "join__"
LINK = "link__"
KINDS: dict[type, str] = {
    ObjectTypeDefinitionNode: "object",
    InterfaceTypeDefinitionNode: "interface",
    UnionTypeDefinitionNode: "union",
    EnumTypeDefinitionNode: "enum",
    InputObjectTypeDefinitionNode: "input",
    ScalarTypeDefinitionNode: "scalar",
}


class SupergraphFileError(Exception):
    """A supergraph document that is not in the join-spec form."""


@dataclass(frozen=True)
class _Graph:
    name: str
    url: str


def _arguments(directive: DirectiveNode) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for argument in directive.arguments or ():
        value = argument.value
        if isinstance(value, StringValueNode | BooleanValueNode | EnumValueNode):
            values[argument.name.value] = value.value
    return values


def _directives(node: Any, name: str) -> list[dict[str, Any]]:
    return [_arguments(d) for d in node.directives or () if d.name.value == name]


def _marked(node: Any, name: str) -> bool:
    return any(d.name.value == name for d in node.directives or ())


class _Reader:
    def __init__(self, document: DocumentNode) -> None:
        self.document = document
        self.graphs = self._graphs()
        self.views = {
            graph.name: Subgraph(graph.name, graph.url, "", {}, 2) for graph in self.graphs.values()
        }
        self.resolvers: dict[tuple[str, str], list[str]] = {}
        self.entity_keys: dict[str, list[EntityKey]] = {}

    def _graphs(self) -> dict[str, _Graph]:
        for definition in self.document.definitions:
            if isinstance(definition, EnumTypeDefinitionNode) and definition.name.value == (
                f"{JOIN}Graph"
            ):
                found = {}
                for value in definition.values or ():
                    [graph] = _directives(value, "join__graph") or [{}]
                    if "name" not in graph:
                        raise SupergraphFileError(f"join__Graph.{value.name.value} has no name")
                    found[value.name.value] = _Graph(graph["name"], graph.get("url", ""))
                return found
        raise SupergraphFileError("no join__Graph enum: not a supergraph in the join-spec form")

    def read(self) -> None:
        for definition in self.document.definitions:
            kind = KINDS.get(type(definition))
            if kind is None or _hidden(definition.name.value):  # type: ignore[attr-defined]
                continue
            self._type(definition, kind)  # type: ignore[arg-type]

    def _graph(self, enum_value: str) -> str:
        graph = self.graphs.get(enum_value)
        if graph is None:
            raise SupergraphFileError(f"unknown join__Graph value {enum_value}")
        return graph.name

    def _values_of(self, graphs: list[str]) -> list[str]:
        """The join__Graph values naming these subgraphs."""
        return [value for value, graph in self.graphs.items() if graph.name in graphs]

    def _type(self, node: TypeDefinitionNode, kind: str) -> None:
        name = node.name.value
        joined = _directives(node, "join__type")
        owners: list[str] = []
        for join in joined:
            graph = self._graph(join["graph"])
            interface_object = bool(join.get("isInterfaceObject"))
            view = self.views[graph].types.setdefault(
                name,
                SubgraphType(
                    name,
                    "object" if interface_object else kind,
                    inaccessible=_marked(node, "inaccessible"),
                    interface_object=interface_object,
                ),
            )
            if graph not in owners:
                owners.append(graph)
            if "key" in join:
                key = Key(field_set(join["key"]), join["key"], join.get("resolvable", True))
                view.keys.append(key)
                if key.resolvable and kind in ("object", "interface"):
                    self.entity_keys.setdefault(name, []).append(EntityKey(graph, key))
        if not joined:  # a type of the spec's own, or of a subgraph-less supergraph
            return
        # join v0.1 and v0.2 have neither: then every subgraph of the type has them all
        implements = _directives(node, "join__implements") or [
            {"graph": g, "interface": i.name.value}
            for g in self._values_of(owners)
            for i in getattr(node, "interfaces", None) or ()
        ]
        for implemented in implements:
            implementing = self.views[self._graph(implemented["graph"])].types.get(name)
            if implementing is not None:
                implementing.interfaces.append(implemented["interface"])
        members = _directives(node, "join__unionMember") or [
            {"graph": g, "member": t.name.value}
            for g in self._values_of(owners)
            for t in getattr(node, "types", None) or ()
        ]
        for member in members:
            union = self.views[self._graph(member["graph"])].types.get(name)
            if union is not None:
                union.members.append(member["member"])
        for value in getattr(node, "values", None) or ():
            graphs = [self._graph(v["graph"]) for v in _directives(value, "join__enumValue")]
            for graph in graphs or owners:
                self.views[graph].types[name].values[value.name.value] = _marked(
                    value, "inaccessible"
                )
        for field_node in getattr(node, "fields", None) or ():
            self._field(name, field_node, owners)

    def _field(self, type_name: str, node: Any, owners: list[str]) -> None:
        joins = _directives(node, "join__field")
        placements = (
            [(self._graph(j["graph"]), j) for j in joins if "graph" in j]
            if joins
            else [(graph, {}) for graph in owners]
        )
        for graph, join in placements:
            view = self.views[graph].types.get(type_name)
            if view is None:
                continue
            external = bool(join.get("external"))
            subgraph_type = parse_type(join["type"]) if "type" in join else node.type
            view.fields[node.name.value] = SubgraphField(
                name=node.name.value,
                type=subgraph_type,
                node=node,
                shareable=True,
                external=external,
                inaccessible=_marked(node, "inaccessible"),
                requires=field_set(join["requires"]) if "requires" in join else None,
                provides=field_set(join["provides"]) if "provides" in join else None,
                override_from=join.get("override"),
                used_overridden=bool(join.get("usedOverridden")),
                hidden_arguments=frozenset(
                    a.name.value
                    for a in getattr(node, "arguments", None) or ()
                    if _marked(a, "inaccessible")
                ),
            )
            if (
                not external
                and not join.get("usedOverridden")
                and isinstance(node, FieldDefinitionNode)
            ):
                self.resolvers.setdefault((type_name, node.name.value), []).append(graph)


def _hidden(name: str) -> bool:
    return name.startswith((JOIN, LINK))


def load_supergraph(sdl: str) -> Supergraph:
    """The supergraph a join-spec document describes; SupergraphFileError when it is none."""
    try:
        document = parse(sdl, no_location=True)
    except Exception as exc:
        raise SupergraphFileError(f"the supergraph does not parse: {exc}") from None
    reader = _Reader(document)
    try:
        reader.read()
    except SubgraphSchemaError as exc:
        raise SupergraphFileError(str(exc)) from None
    for (type_name, field_name), cost in declared_costs(document).items():
        for view in reader.views.values():
            if field_name in getattr(view.types.get(type_name), "fields", {}):
                view.field_costs[(type_name, field_name)] = cost
    plain = _without_join(document, api=False)
    api = _without_join(document, api=True)
    try:
        schema, api_schema = build_ast_schema(plain), build_ast_schema(api)
    except Exception as exc:
        raise SupergraphFileError(f"the supergraph is not a valid schema: {exc}") from None
    return Supergraph(
        subgraphs=reader.views,
        schema=schema,
        api_schema=api_schema,
        api_sdl=print_schema(api_schema),
        resolvers={place: tuple(graphs) for place, graphs in reader.resolvers.items()},
        entity_keys=reader.entity_keys,
        document=sdl,
    )


def _without_join(document: DocumentNode, *, api: bool) -> DocumentNode:
    """The document less the join and link machinery; for the API, less the inaccessible."""
    hidden = {
        d.name.value
        for d in document.definitions
        if isinstance(d, TypeDefinitionNode) and api and _marked(d, "inaccessible")
    }
    kept = []
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode | DirectiveDefinitionNode):
            continue
        if isinstance(definition, TypeDefinitionNode):
            name = definition.name.value
            if _hidden(name) or name in hidden:
                continue
            kept.append(_cleaned(definition, hidden, api))
    return DocumentNode(definitions=tuple(kept))


def _cleaned(node: Any, hidden: set[str], api: bool) -> Any:
    """A copy without directives, and for the API without inaccessible parts."""

    def shown(part: Any) -> bool:
        return not (api and _marked(part, "inaccessible"))

    changes: dict[str, Any] = {"directives": ()}
    if getattr(node, "fields", None) is not None:
        changes["fields"] = tuple(
            _cleaned(f, hidden, api) for f in node.fields if shown(f) and not _refers(f, hidden)
        )
    if getattr(node, "arguments", None) is not None:
        changes["arguments"] = tuple(_cleaned(a, hidden, api) for a in node.arguments if shown(a))
    if getattr(node, "values", None) is not None:
        changes["values"] = tuple(_cleaned(v, hidden, api) for v in node.values if shown(v))
    if getattr(node, "interfaces", None) is not None:
        changes["interfaces"] = tuple(i for i in node.interfaces if i.name.value not in hidden)
    if getattr(node, "types", None) is not None:
        changes["types"] = tuple(t for t in node.types if t.name.value not in hidden)
    copy = node.__class__(**{k: getattr(node, k) for k in node.keys} | changes)
    return copy


def _refers(field_node: Any, hidden: set[str]) -> bool:
    node = field_node.type
    while hasattr(node, "type"):
        node = node.type
    return bool(node.name.value in hidden)
