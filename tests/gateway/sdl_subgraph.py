"""A subgraph written as its federation SDL and a little data, for the federation feature
tests: any shape of subgraph (federation 1 extensions, @interfaceObject, @requires with
arguments) in a few lines, served as GraphQL over HTTP the way any subgraph is.

Root fields and entities are plain dicts with `__typename`; a field's value may be a
function of the field's arguments. `_entities` answers each representation with the
resolver given for its `__typename`, which sees the whole representation (keys and
@requires fields).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLArgument,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    GraphQLUnionType,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    build_ast_schema,
    graphql,
    parse,
)
from graphql.language import ast
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

_KIND_OF_EXTENSION = {
    "ObjectTypeExtensionNode": "ObjectTypeDefinitionNode",
    "InterfaceTypeExtensionNode": "InterfaceTypeDefinitionNode",
    "UnionTypeExtensionNode": "UnionTypeDefinitionNode",
    "EnumTypeExtensionNode": "EnumTypeDefinitionNode",
    "InputObjectTypeExtensionNode": "InputObjectTypeDefinitionNode",
}

Resolver = Callable[[dict[str, Any]], dict[str, Any] | None]


def _defined_everywhere(document: DocumentNode) -> DocumentNode:
    """Extensions of types the subgraph never defines become their definitions (as a
    federation subgraph may `extend type` what another subgraph owns)."""
    defined = {
        d.name.value
        for d in document.definitions
        if type(d).__name__.endswith("DefinitionNode") and hasattr(d, "name")
    }
    definitions = []
    for node in document.definitions:
        kind = _KIND_OF_EXTENSION.get(type(node).__name__)
        name = getattr(node, "name", None)
        if kind and name is not None and name.value not in defined:
            defined.add(name.value)
            node = getattr(ast, kind)(**{k: getattr(node, k) for k in node.keys})
        definitions.append(node)
    return DocumentNode(definitions=tuple(definitions))


def _resolve_field(source: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
    value = source.get(info.field_name) if isinstance(source, dict) else None
    return value(**arguments) if callable(value) else value


class SdlSubgraph:
    def __init__(
        self,
        sdl: str,
        root: dict[str, Any] | None = None,
        entities: dict[str, Resolver] | None = None,
    ) -> None:
        self.sdl = sdl
        self.root = root or {}
        self.entities = entities or {}
        self.schema = self._schema()

    def _schema(self) -> GraphQLSchema:
        document = _defined_everywhere(parse(self.sdl))
        has_query = any(
            isinstance(d, ObjectTypeDefinitionNode | ObjectTypeExtensionNode)
            and d.name.value == "Query"
            for d in document.definitions
        )
        if not has_query:
            document = DocumentNode(
                definitions=(*document.definitions, parse("type Query").definitions[0])
            )
        schema = build_ast_schema(document, assume_valid_sdl=True)
        entity_types = [
            t
            for t in schema.type_map.values()
            if isinstance(t, GraphQLObjectType)
            and t.ast_node is not None
            and any(d.name.value == "key" for d in t.ast_node.directives or ())
        ]
        any_scalar = GraphQLScalarType("_Any")
        service = GraphQLObjectType("_Service", {"sdl": GraphQLField(GraphQLString)})
        query = schema.query_type
        assert query is not None
        fields = dict(query.fields)
        fields["_service"] = GraphQLField(
            GraphQLNonNull(service), resolve=lambda *_: {"sdl": self.sdl}
        )
        if entity_types:
            entity = GraphQLUnionType("_Entity", entity_types)
            fields["_entities"] = GraphQLField(
                GraphQLNonNull(GraphQLList(entity)),
                args={
                    "representations": GraphQLArgument(
                        GraphQLNonNull(GraphQLList(GraphQLNonNull(any_scalar)))
                    )
                },
                resolve=self._entities,
            )
        for named in schema.type_map.values():
            if isinstance(named, GraphQLObjectType) and not named.name.startswith("__"):
                for definition in named.fields.values():
                    definition.resolve = _resolve_field
        types = [t for n, t in schema.type_map.items() if not n.startswith("__") and n != "Query"]
        return GraphQLSchema(
            query=GraphQLObjectType("Query", fields),
            mutation=schema.mutation_type,
            types=types,
        )

    def _entities(self, _: Any, info: GraphQLResolveInfo, representations: list[Any]) -> list:
        found = []
        for representation in representations:
            resolver = self.entities.get(representation["__typename"])
            entity = resolver(representation) if resolver else None
            found.append(entity)
        return found

    def app(self) -> Starlette:
        async def endpoint(request: Request) -> JSONResponse:
            body = await request.json()
            result = await graphql(
                self.schema,
                body["query"],
                root_value=self.root,
                variable_values=body.get("variables"),
            )
            payload: dict[str, Any] = {"data": result.data}
            if result.errors:
                payload["errors"] = [e.formatted for e in result.errors]
            return JSONResponse(payload)

        return Starlette(routes=[Route("/graphql", endpoint, methods=["POST"])])
