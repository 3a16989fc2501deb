"""One subgraph's schema as federation sees it: its types, fields, keys and directives.

The subgraph's `_service { sdl }` is parsed with graphql-core; federation directives are
recognised under the names the subgraph's `@link` imports them as (or `federation__x`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    FieldDefinitionNode,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ListTypeNode,
    ListValueNode,
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ObjectValueNode,
    OperationType,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    SelectionSetNode,
    StringValueNode,
    TypeNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    parse,
)
from graphql.language import BooleanValueNode, ValueNode

from services.kernel.field_costs import FieldCost, declared_costs

FEDERATION_SPEC = "https://specs.apollo.dev/federation/"
ROOT_NAMES = {
    OperationType.QUERY: "Query",
    OperationType.MUTATION: "Mutation",
    OperationType.SUBSCRIPTION: "Subscription",
}
# what federation adds to every subgraph, and never reaches the supergraph
BUILT_IN_TYPES = {"_Service", "_Entity", "_Any", "_FieldSet", "FieldSet"}
BUILT_IN_PREFIXES = ("link__", "federation__")
BUILT_IN_ROOT_FIELDS = {"_service", "_entities"}
FEDERATION_DIRECTIVES = (
    "key",
    "shareable",
    "external",
    "requires",
    "provides",
    "inaccessible",
    "override",
    "extends",
    "tag",
    "interfaceObject",
)


class SubgraphSchemaError(Exception):
    """A subgraph's SDL that cannot be read at all."""


@dataclass(frozen=True)
class Key:
    fields: SelectionSetNode
    text: str
    resolvable: bool = True


@dataclass
class SubgraphField:
    name: str
    type: TypeNode
    node: FieldDefinitionNode | InputValueDefinitionNode
    shareable: bool = False
    external: bool = False
    inaccessible: bool = False
    requires: SelectionSetNode | None = None
    provides: SelectionSetNode | None = None
    override_from: str | None = None
    # overridden by another subgraph, yet still named by this one's keys or @requires
    used_overridden: bool = False
    hidden_arguments: frozenset[str] = frozenset()  # the @inaccessible ones

    @property
    def arguments(self) -> dict[str, InputValueDefinitionNode]:
        if isinstance(self.node, FieldDefinitionNode):
            return {arg.name.value: arg for arg in self.node.arguments or ()}
        return {}

    @property
    def description(self) -> str | None:
        return self.node.description.value if self.node.description else None


@dataclass
class SubgraphType:
    name: str
    kind: str  # object, interface, union, enum, input or scalar
    description: str | None = None
    fields: dict[str, SubgraphField] = field(default_factory=dict)
    keys: list[Key] = field(default_factory=list)
    shareable: bool = False
    inaccessible: bool = False
    interfaces: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    values: dict[str, bool] = field(default_factory=dict)  # enum value -> inaccessible
    value_descriptions: dict[str, str | None] = field(default_factory=dict)
    interface_object: bool = False  # an interface the subgraph sees as an object type
    # keys declared on a type extension (`extend type` or `@extends`): their fields are the
    # subgraph's own even where marked @external, as federation 1 required them to be
    extension_keys: list[Key] = field(default_factory=list)

    def key_field_names(self) -> set[str]:
        return {name for key in self.keys for name in top_level_names(key.fields)}


@dataclass
class Subgraph:
    """A subgraph's schema; `url` is None for the gateway's own in-process subgraph."""

    name: str
    url: str | None
    sdl: str
    types: dict[str, SubgraphType]
    version: int  # 1 or 2: federation 1 subgraphs share every field implicitly
    field_costs: dict[tuple[str, str], FieldCost] = field(default_factory=dict)

    def type(self, name: str) -> SubgraphType | None:
        return self.types.get(name)


def field_set(text: str) -> SelectionSetNode:
    """Parses a `FieldSet` string such as `code` or `id org { id }`."""
    document = parse("{" + text + "}", no_location=True)
    selection_set: SelectionSetNode = document.definitions[0].selection_set  # type: ignore[attr-defined]
    return selection_set


def named_type(node: TypeNode) -> str:
    """The named type inside list and non-null wrappers: `Region` for `[Region!]!`."""
    while not isinstance(node, NamedTypeNode):
        node = node.type  # type: ignore[attr-defined]
    return node.name.value


def top_level_names(selection_set: SelectionSetNode) -> list[str]:
    return [s.name.value for s in selection_set.selections if hasattr(s, "name")]


def _string(value: ValueNode) -> str:
    if not isinstance(value, StringValueNode):
        raise SubgraphSchemaError("a federation directive argument must be a string")
    return value.value


def _arguments(directive: DirectiveNode) -> dict[str, ValueNode]:
    return {arg.name.value: arg.value for arg in directive.arguments or ()}


def _federation_names(document: DocumentNode) -> tuple[dict[str, str], int]:
    """Local directive name -> federation directive name, and the federation version."""
    links: list[DirectiveNode] = []
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            links += [d for d in definition.directives or () if d.name.value == "link"]
    for link in links:
        arguments = _arguments(link)
        if not _string(arguments["url"]).startswith(FEDERATION_SPEC):
            continue
        names = {f"federation__{name}": name for name in FEDERATION_DIRECTIVES}
        imports = arguments.get("import")
        for item in imports.values if isinstance(imports, ListValueNode) else ():
            if isinstance(item, ObjectValueNode):
                spec = {f.name.value: _string(f.value) for f in item.fields}
                names[spec.get("as", spec["name"]).lstrip("@")] = spec["name"].lstrip("@")
            else:
                names[_string(item).lstrip("@")] = _string(item).lstrip("@")
        return names, 2
    return {name: name for name in FEDERATION_DIRECTIVES}, 1


class _Reader:
    def __init__(self, names: dict[str, str], version: int) -> None:
        self.names = names
        self.version = version

    def directives(self, node: Any) -> dict[str, list[dict[str, ValueNode]]]:
        found: dict[str, list[dict[str, ValueNode]]] = {}
        for directive in node.directives or ():
            name = self.names.get(directive.name.value)
            if name:
                found.setdefault(name, []).append(_arguments(directive))
        return found

    def field(self, node: FieldDefinitionNode | InputValueDefinitionNode) -> SubgraphField:
        marks = self.directives(node)

        def field_set_of(name: str) -> SelectionSetNode | None:
            return field_set(_string(marks[name][0]["fields"])) if name in marks else None

        return SubgraphField(
            name=node.name.value,
            type=node.type,
            node=node,
            shareable="shareable" in marks or self.version == 1,
            external="external" in marks,
            inaccessible="inaccessible" in marks,
            requires=field_set_of("requires"),
            provides=field_set_of("provides"),
            override_from=_string(marks["override"][0]["from"]) if "override" in marks else None,
            hidden_arguments=frozenset(
                a.name.value
                for a in getattr(node, "arguments", None) or ()
                if "inaccessible" in self.directives(a)
            ),
        )

    def keys(self, node: Any) -> list[Key]:
        keys = []
        for arguments in self.directives(node).get("key", ()):
            text = _string(arguments["fields"])
            resolvable = arguments.get("resolvable")
            keys.append(
                Key(
                    field_set(text),
                    text,
                    not isinstance(resolvable, BooleanValueNode) or resolvable.value,
                )
            )
        return keys

    def extend(self, target: SubgraphType, node: Any) -> None:
        marks = self.directives(node)
        target.shareable = target.shareable or "shareable" in marks
        target.inaccessible = target.inaccessible or "inaccessible" in marks
        target.interface_object = target.interface_object or "interfaceObject" in marks
        keys = self.keys(node)
        target.keys += keys
        if "extends" in marks or isinstance(node, _EXTENSIONS):
            target.extension_keys += keys
        if getattr(node, "description", None) and not target.description:
            target.description = node.description.value
        for definition in getattr(node, "fields", None) or ():
            declared = self.field(definition)
            # federation 2 lets a type say @external once for all the fields it declares
            declared.external = declared.external or ("external" in marks and self.version == 2)
            target.fields[definition.name.value] = declared
        target.interfaces += [i.name.value for i in getattr(node, "interfaces", None) or ()]
        target.members += [t.name.value for t in getattr(node, "types", None) or ()]
        for value in getattr(node, "values", None) or ():
            target.values[value.name.value] = "inaccessible" in self.directives(value)
            target.value_descriptions[value.name.value] = (
                value.description.value if value.description else None
            )


_EXTENSIONS = (
    ObjectTypeExtensionNode,
    InterfaceTypeExtensionNode,
    UnionTypeExtensionNode,
    EnumTypeExtensionNode,
    InputObjectTypeExtensionNode,
    ScalarTypeExtensionNode,
)

_KINDS: dict[type, str] = {
    ObjectTypeDefinitionNode: "object",
    ObjectTypeExtensionNode: "object",
    InterfaceTypeDefinitionNode: "interface",
    InterfaceTypeExtensionNode: "interface",
    UnionTypeDefinitionNode: "union",
    UnionTypeExtensionNode: "union",
    EnumTypeDefinitionNode: "enum",
    EnumTypeExtensionNode: "enum",
    InputObjectTypeDefinitionNode: "input",
    InputObjectTypeExtensionNode: "input",
    ScalarTypeDefinitionNode: "scalar",
    ScalarTypeExtensionNode: "scalar",
}


def _is_built_in(name: str) -> bool:
    return name in BUILT_IN_TYPES or name.startswith(BUILT_IN_PREFIXES)


def read_subgraph(name: str, url: str | None, sdl: str) -> Subgraph:
    """The subgraph's types with federation's view of each; root types named as usual."""
    try:
        document = parse(sdl, no_location=True)
    except Exception as exc:
        raise SubgraphSchemaError(f"subgraph {name}: its SDL does not parse: {exc}") from None
    names, version = _federation_names(document)
    reader = _Reader(names, version)
    renamed: dict[str, str] = {}
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            for operation in definition.operation_types or ():
                renamed[operation.type.name.value] = ROOT_NAMES[operation.operation]
    types: dict[str, SubgraphType] = {}
    for definition in document.definitions:
        kind = _KINDS.get(type(definition))
        if kind is None:
            continue  # schema definitions and directive definitions
        type_name = definition.name.value  # type: ignore[attr-defined]
        if _is_built_in(type_name):
            continue
        type_name = renamed.get(type_name, type_name)
        target = types.setdefault(type_name, SubgraphType(type_name, kind))
        if target.kind != kind:
            raise SubgraphSchemaError(f"subgraph {name}: {type_name} is defined twice")
        reader.extend(target, definition)
    for subgraph_type in types.values():
        _own_extension_keys(subgraph_type)
    for root in ROOT_NAMES.values():
        if root in types:
            for built_in in BUILT_IN_ROOT_FIELDS:
                types[root].fields.pop(built_in, None)
            if not types[root].fields:
                del types[root]
    if renamed:
        _rename_references(types, renamed)
    field_costs = {
        (renamed.get(type_name, type_name), field_name): size
        for (type_name, field_name), size in declared_costs(document).items()
    }
    return Subgraph(name, url, sdl, types, version, field_costs)


def _own_extension_keys(subgraph_type: SubgraphType) -> None:
    """The fields of a key declared on a type extension are resolved by this subgraph, even
    where marked @external: federation 1 asked for the mark, and federation 2 reads it so."""
    for key in subgraph_type.extension_keys:
        for name in top_level_names(key.fields):
            declared = subgraph_type.fields.get(name)
            if declared is not None:
                declared.external = False


def _rename_references(types: dict[str, SubgraphType], renamed: dict[str, str]) -> None:
    """Root types named otherwise (`schema { query: RootQuery }`) are referred to as Query."""

    def rename(node: TypeNode) -> TypeNode:
        if isinstance(node, NonNullTypeNode):
            return NonNullTypeNode(type=rename(node.type))  # type: ignore[arg-type]
        if isinstance(node, ListTypeNode):
            return ListTypeNode(type=rename(node.type))
        assert isinstance(node, NamedTypeNode)
        new = renamed.get(node.name.value)
        return NamedTypeNode(name=NameNode(value=new)) if new else node

    for subgraph_type in types.values():
        for subgraph_field in subgraph_type.fields.values():
            subgraph_field.type = rename(subgraph_field.type)
