"""Composing subgraphs into a supergraph by the federation 2 rules.

Types of the same name merge: object and interface fields are joined (a field resolved by
more than one subgraph must be shareable there), union members and output-only enum values
are united, input types and input-only enum values are intersected. Each conflict becomes a
problem naming its types, fields and subgraphs; any problem refuses the whole composition.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from graphql import (
    FieldNode,
    InputValueDefinitionNode,
    ListTypeNode,
    NamedTypeNode,
    NonNullTypeNode,
    SelectionSetNode,
    TypeNode,
    build_schema,
    print_ast,
)

from services.gateway.federation.subgraph_schema import Subgraph, SubgraphField, SubgraphType
from services.gateway.federation.supergraph import EntityKey, Supergraph

BUILT_IN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}


@dataclass(frozen=True)
class Problem:
    code: str
    message: str

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class CompositionError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("composition failed:\n" + "\n".join(f"  {p}" for p in problems))


def _names(subgraphs: Iterable[str]) -> str:
    return ", ".join(sorted(subgraphs))


def _type_text(node: TypeNode) -> str:
    return print_ast(node)


def _strip(node: TypeNode) -> str:
    """The type without nullability, for comparing shapes: `[Region]` for `[Region!]!`."""
    if isinstance(node, NonNullTypeNode):
        return _strip(node.type)
    if isinstance(node, ListTypeNode):
        return f"[{_strip(node.type)}]"
    assert isinstance(node, NamedTypeNode)
    return node.name.value


def named(node: TypeNode) -> str:
    while not isinstance(node, NamedTypeNode):
        node = node.type  # type: ignore[attr-defined]
    return node.name.value


def _merge_types(a: TypeNode, b: TypeNode, *, output: bool) -> TypeNode:
    """Outputs keep the weaker nullability (nullable if any is), inputs the stronger."""
    a_inner = a.type if isinstance(a, NonNullTypeNode) else a
    b_inner = b.type if isinstance(b, NonNullTypeNode) else b
    if isinstance(a_inner, ListTypeNode) and isinstance(b_inner, ListTypeNode):
        inner: TypeNode = ListTypeNode(type=_merge_types(a_inner.type, b_inner.type, output=output))
    else:
        inner = a_inner
    both = isinstance(a, NonNullTypeNode) and isinstance(b, NonNullTypeNode)
    either = isinstance(a, NonNullTypeNode) or isinstance(b, NonNullTypeNode)
    non_null = both if output else either
    return NonNullTypeNode(type=inner) if non_null else inner  # type: ignore[arg-type]


def _without_directives(node: InputValueDefinitionNode) -> InputValueDefinitionNode:
    return InputValueDefinitionNode(
        name=node.name,
        description=node.description,
        type=node.type,
        default_value=node.default_value,
        directives=(),
    )


def _is_required(argument: InputValueDefinitionNode) -> bool:
    return isinstance(argument.type, NonNullTypeNode) and argument.default_value is None


@dataclass
class _MergedField:
    name: str
    type: TypeNode
    description: str | None
    arguments: dict[str, InputValueDefinitionNode]
    inaccessible: bool
    default: str | None = None  # input fields


@dataclass
class _MergedType:
    name: str
    kind: str
    description: str | None
    fields: dict[str, _MergedField]
    interfaces: list[str]
    members: list[str]
    values: dict[str, str | None]  # enum value -> description
    inaccessible_values: set[str]
    inaccessible: bool


class _Composer:
    def __init__(self, subgraphs: list[Subgraph]) -> None:
        self.subgraphs = {s.name: s for s in subgraphs}
        self.problems: list[Problem] = []
        self.hints: list[str] = []
        self.resolvers: dict[tuple[str, str], tuple[str, ...]] = {}
        self.merged: dict[str, _MergedType] = {}
        self.input_enums, self.output_enums = self._enum_usage()

    def problem(self, code: str, message: str) -> None:
        self.problems.append(Problem(code, message))

    def definitions(self) -> dict[str, list[tuple[str, SubgraphType]]]:
        found: dict[str, list[tuple[str, SubgraphType]]] = {}
        for subgraph in self.subgraphs.values():
            for name, subgraph_type in subgraph.types.items():
                found.setdefault(name, []).append((subgraph.name, subgraph_type))
        return found

    def _enum_usage(self) -> tuple[set[str], set[str]]:
        inputs: set[str] = set()
        outputs: set[str] = set()
        for subgraph in self.subgraphs.values():
            for subgraph_type in subgraph.types.values():
                for subgraph_field in subgraph_type.fields.values():
                    target = inputs if subgraph_type.kind == "input" else outputs
                    target.add(named(subgraph_field.type))
                    inputs.update(named(a.type) for a in subgraph_field.arguments.values())
        return inputs, outputs

    def compose(self) -> Supergraph:
        for name, definitions in self.definitions().items():
            kinds = {t.kind for _, t in definitions}
            if len(kinds) > 1:
                where = "; ".join(f"{t.kind} in {s}" for s, t in definitions)
                self.problem("TYPE_KIND_MISMATCH", f"type {name} is defined as {where}")
                continue
            merge = getattr(self, f"_merge_{kinds.pop()}")
            self.merged[name] = merge(name, definitions)
        self._check_keys_and_field_sets()
        self._check_inaccessible_references()
        self._check_satisfiability()
        if "Query" not in self.merged:
            self.problem("NO_QUERIES", "no subgraph defines a Query field")
        if self.problems:
            raise CompositionError(self.problems)
        full_sdl = self._print(api=False)
        api_sdl = self._print(api=True)
        try:
            schema, api_schema = build_schema(full_sdl), build_schema(api_sdl)
        except Exception as exc:
            raise CompositionError([Problem("INVALID_SUPERGRAPH", str(exc))]) from None
        entity_keys = {
            name: [
                EntityKey(s, key)
                for s, t in definitions
                for key in t.keys
                if key.resolvable and t.kind == "object"
            ]
            for name, definitions in self.definitions().items()
        }
        return Supergraph(
            subgraphs=self.subgraphs,
            schema=schema,
            api_schema=api_schema,
            api_sdl=api_sdl,
            resolvers=self.resolvers,
            entity_keys={name: keys for name, keys in entity_keys.items() if keys},
            hints=self.hints,
        )

    # merging, one kind at a time

    def _merged_type(
        self, name: str, kind: str, definitions: list[tuple[str, SubgraphType]]
    ) -> _MergedType:
        return _MergedType(
            name=name,
            kind=kind,
            description=next((t.description for _, t in definitions if t.description), None),
            fields={},
            interfaces=[],
            members=[],
            values={},
            inaccessible_values=set(),
            inaccessible=any(t.inaccessible for _, t in definitions),
        )

    def _merge_object(self, name: str, definitions: list[tuple[str, SubgraphType]]) -> _MergedType:
        merged = self._merged_type(name, definitions[0][1].kind, definitions)
        for _, subgraph_type in definitions:
            merged.interfaces += [i for i in subgraph_type.interfaces if i not in merged.interfaces]
        by_field: dict[str, list[tuple[str, SubgraphType, SubgraphField]]] = {}
        for subgraph, subgraph_type in definitions:
            for field_name, subgraph_field in subgraph_type.fields.items():
                by_field.setdefault(field_name, []).append(
                    (subgraph, subgraph_type, subgraph_field)
                )
        for field_name, fields in by_field.items():
            merged_field = self._merge_field(name, field_name, fields)
            if merged_field:
                merged.fields[field_name] = merged_field
        return merged

    _merge_interface = _merge_object

    def _merge_field(
        self, type_name: str, field_name: str, fields: list[tuple[str, SubgraphType, SubgraphField]]
    ) -> _MergedField | None:
        coordinate = f"{type_name}.{field_name}"
        overridden = {f.override_from for _, _, f in fields if f.override_from}
        for source in overridden:
            if source not in {s for s, _, _ in fields}:
                self.hints.append(f"{coordinate} overrides {source}, which does not define it")
        resolving = [(s, t, f) for s, t, f in fields if not f.external and s not in overridden]
        if not resolving:
            self.problem(
                "EXTERNAL_MISSING_ON_BASE",
                f"field {coordinate} is @external in {_names(s for s, _, _ in fields)} "
                "but no subgraph resolves it",
            )
            return None
        if len(resolving) > 1:
            unshared = [
                s
                for s, t, f in resolving
                if not (f.shareable or t.shareable or field_name in t.key_field_names())
            ]
            if unshared:
                self.problem(
                    "INVALID_FIELD_SHARING",
                    f"field {coordinate} is resolved by {_names(s for s, _, _ in resolving)} "
                    f"but is not @shareable in {_names(unshared)}",
                )
        self.resolvers[(type_name, field_name)] = tuple(s for s, _, _ in resolving)
        if len({_strip(f.type) for _, _, f in fields}) > 1:
            where = "; ".join(f"{_type_text(f.type)} in {s}" for s, _, f in fields)
            self.problem("FIELD_TYPE_MISMATCH", f"field {coordinate} has different types: {where}")
            return None
        merged_type = resolving[0][2].type  # @external copies only have to agree in shape
        for _, _, subgraph_field in resolving[1:]:
            merged_type = _merge_types(merged_type, subgraph_field.type, output=True)
        arguments = self._merge_arguments(coordinate, [(s, f) for s, _, f in resolving])
        return _MergedField(
            name=field_name,
            type=merged_type,
            description=next((f.description for _, _, f in fields if f.description), None),
            arguments=arguments,
            inaccessible=any(f.inaccessible for _, _, f in fields),
        )

    def _merge_arguments(
        self, coordinate: str, fields: list[tuple[str, SubgraphField]]
    ) -> dict[str, InputValueDefinitionNode]:
        merged: dict[str, InputValueDefinitionNode] = {}
        names = dict.fromkeys(name for _, f in fields for name in f.arguments)
        for name in names:
            present = [(s, f.arguments[name]) for s, f in fields if name in f.arguments]
            missing = [s for s, f in fields if name not in f.arguments]
            if missing:
                if any(_is_required(a) for _, a in present):
                    self.problem(
                        "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH",
                        f"argument {coordinate}({name}:) is required in "
                        f"{_names(s for s, a in present if _is_required(a))} "
                        f"but missing in {_names(missing)}",
                    )
                else:
                    self.hints.append(
                        f"argument {coordinate}({name}:) is left out: missing in {_names(missing)}"
                    )
                continue
            argument = _without_directives(present[0][1])
            for subgraph, other in present[1:]:
                if _strip(other.type) != _strip(argument.type):
                    self.problem(
                        "FIELD_ARGUMENT_TYPE_MISMATCH",
                        f"argument {coordinate}({name}:) has type {_type_text(argument.type)} "
                        f"in {present[0][0]} but {_type_text(other.type)} in {subgraph}",
                    )
                    break
                argument = InputValueDefinitionNode(
                    name=argument.name,
                    description=argument.description or other.description,
                    type=_merge_types(argument.type, other.type, output=False),
                    default_value=argument.default_value,
                    directives=(),
                )
            merged[name] = argument
        return merged

    def _merge_input(self, name: str, definitions: list[tuple[str, SubgraphType]]) -> _MergedType:
        merged = self._merged_type(name, "input", definitions)
        field_names = dict.fromkeys(f for _, t in definitions for f in t.fields)
        for field_name in field_names:
            present = [(s, t.fields[field_name]) for s, t in definitions if field_name in t.fields]
            missing = [s for s, t in definitions if field_name not in t.fields]
            required = [s for s, f in present if _is_required(f.node)]  # type: ignore[arg-type]
            if missing:
                if required:
                    self.problem(
                        "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH",
                        f"input field {name}.{field_name} is required in {_names(required)} "
                        f"but missing in {_names(missing)}",
                    )
                continue
            merged_type = present[0][1].type
            for subgraph, other in present[1:]:
                if _strip(other.type) != _strip(merged_type):
                    self.problem(
                        "FIELD_TYPE_MISMATCH",
                        f"input field {name}.{field_name} has type {_type_text(merged_type)} "
                        f"in {present[0][0]} but {_type_text(other.type)} in {subgraph}",
                    )
                    break
                merged_type = _merge_types(merged_type, other.type, output=False)
            default = present[0][1].node.default_value  # type: ignore[union-attr]
            merged.fields[field_name] = _MergedField(
                name=field_name,
                type=merged_type,
                description=next((f.description for _, f in present if f.description), None),
                arguments={},
                inaccessible=any(f.inaccessible for _, f in present),
                default=print_ast(default) if default else None,
            )
        if not merged.fields:
            self.problem(
                "EMPTY_MERGED_INPUT_TYPE",
                f"input type {name} has no field defined in all of "
                f"{_names(s for s, _ in definitions)}",
            )
        return merged

    def _merge_union(self, name: str, definitions: list[tuple[str, SubgraphType]]) -> _MergedType:
        merged = self._merged_type(name, "union", definitions)
        for _, subgraph_type in definitions:
            merged.members += [m for m in subgraph_type.members if m not in merged.members]
        return merged

    def _merge_enum(self, name: str, definitions: list[tuple[str, SubgraphType]]) -> _MergedType:
        merged = self._merged_type(name, "enum", definitions)
        value_sets = {s: set(t.values) for s, t in definitions}
        every = [v for _, t in definitions for v in t.values]
        as_input, as_output = name in self.input_enums, name in self.output_enums
        if as_input and as_output:
            if len({frozenset(v) for v in value_sets.values()}) > 1:
                where = "; ".join(f"{sorted(v)} in {s}" for s, v in value_sets.items())
                self.problem(
                    "ENUM_VALUE_MISMATCH",
                    f"enum {name} is used for input and output, so its values must be the same "
                    f"in every subgraph: {where}",
                )
            kept = every
        elif as_input:
            common = set.intersection(*value_sets.values())
            kept = [v for v in every if v in common]
            if not kept:
                self.problem(
                    "EMPTY_MERGED_ENUM_TYPE",
                    f"input enum {name} has no value common to {_names(value_sets)}",
                )
        else:
            kept = every
        for _, subgraph_type in definitions:
            for value, inaccessible in subgraph_type.values.items():
                if value in kept:
                    merged.values.setdefault(value, subgraph_type.value_descriptions.get(value))
                    if inaccessible:
                        merged.inaccessible_values.add(value)
        return merged

    def _merge_scalar(self, name: str, definitions: list[tuple[str, SubgraphType]]) -> _MergedType:
        return self._merged_type(name, "scalar", definitions)

    # checks across subgraphs

    def _check_field_set(
        self, subgraph: Subgraph, type_name: str, selection: SelectionSetNode, usage: str
    ) -> list[SubgraphField]:
        """The fields a key, @requires or @provides names, each checked to exist."""
        subgraph_type = subgraph.types.get(type_name)
        found: list[SubgraphField] = []
        for node in selection.selections:
            if not isinstance(node, FieldNode):
                continue
            field_name = node.name.value
            target = subgraph_type.fields.get(field_name) if subgraph_type else None
            if target is None:
                self.problem(
                    "INVALID_FIELD_SET",
                    f"{usage} in subgraph {subgraph.name} names {type_name}.{field_name}, "
                    "which that subgraph does not define",
                )
                continue
            found.append(target)
            if node.selection_set:
                self._check_field_set(subgraph, named(target.type), node.selection_set, usage)
        return found

    def _check_keys_and_field_sets(self) -> None:
        for subgraph in self.subgraphs.values():
            used_externals: set[tuple[str, str]] = set()
            for type_name, subgraph_type in subgraph.types.items():
                for key in subgraph_type.keys:
                    usage = f'@key(fields: "{key.text}") on {type_name}'
                    for key_field in self._check_field_set(subgraph, type_name, key.fields, usage):
                        used_externals.add((type_name, key_field.name))
                for field_name, subgraph_field in subgraph_type.fields.items():
                    coordinate = f"{type_name}.{field_name}"
                    for attribute, owner in (
                        ("requires", type_name),
                        ("provides", named(subgraph_field.type)),
                    ):
                        selection = getattr(subgraph_field, attribute)
                        if selection is None:
                            continue
                        usage = f"@{attribute} on {coordinate}"
                        for target in self._check_field_set(subgraph, owner, selection, usage):
                            used_externals.add((owner, target.name))
                            if not target.external:
                                self.problem(
                                    f"{attribute.upper()}_FIELDS_MISSING_EXTERNAL",
                                    f"{usage} in subgraph {subgraph.name} names "
                                    f"{owner}.{target.name}, which is not @external there",
                                )
            for type_name, subgraph_type in subgraph.types.items():
                for field_name, subgraph_field in subgraph_type.fields.items():
                    if subgraph_field.external and (type_name, field_name) not in used_externals:
                        self.problem(
                            "EXTERNAL_UNUSED",
                            f"field {type_name}.{field_name} is @external in subgraph "
                            f"{subgraph.name} but no key, @requires or @provides uses it",
                        )

    def _check_inaccessible_references(self) -> None:
        hidden = {name for name, t in self.merged.items() if t.inaccessible}
        for name, merged in self.merged.items():
            if merged.inaccessible:
                continue
            for merged_field in merged.fields.values():
                if merged_field.inaccessible:
                    continue
                references = [named(merged_field.type)]
                references += [named(a.type) for a in merged_field.arguments.values()]
                for reference in references:
                    if reference in hidden:
                        self.problem(
                            "REFERENCED_INACCESSIBLE",
                            f"field {name}.{merged_field.name} is visible but refers to "
                            f"type {reference}, which is @inaccessible",
                        )
            if merged.fields and all(f.inaccessible for f in merged.fields.values()):
                self.problem(
                    "ONLY_INACCESSIBLE_CHILDREN",
                    f"type {name} is visible but all its fields are @inaccessible",
                )

    def _check_satisfiability(self) -> None:
        """A field resolved elsewhere must be reachable through a key from every subgraph
        that has its type; otherwise no plan could fetch it."""
        for (type_name, field_name), resolving in self.resolvers.items():
            merged = self.merged.get(type_name)
            if merged is None or merged.kind != "object" or type_name in ("Query", "Mutation"):
                continue
            for subgraph in self.subgraphs.values():
                if type_name not in subgraph.types or subgraph.name in resolving:
                    continue
                if not any(self._key_reachable(type_name, subgraph, r) for r in resolving):
                    self.problem(
                        "SATISFIABILITY_ERROR",
                        f"field {type_name}.{field_name} (resolved by {_names(resolving)}) "
                        f"cannot be reached from subgraph {subgraph.name}: no resolvable key "
                        f"of {type_name} in {_names(resolving)} has all its fields in "
                        f"{subgraph.name}",
                    )

    def _key_reachable(self, type_name: str, source: Subgraph, target_name: str) -> bool:
        target_type = self.subgraphs[target_name].types[type_name]
        for key in target_type.keys:
            if key.resolvable and all(
                (
                    (type_name, name) in self.resolvers
                    and source.name in self.resolvers[(type_name, name)]
                )
                or name in source.types[type_name].key_field_names()
                for name in (
                    n.name.value for n in key.fields.selections if isinstance(n, FieldNode)
                )
            ):
                return True
        return False

    # printing

    def _print(self, *, api: bool) -> str:
        blocks = []
        for name, merged in self.merged.items():
            if name in BUILT_IN_SCALARS or (api and merged.inaccessible):
                continue
            blocks.append(self._print_type(merged, api=api))
        return "\n\n".join(blocks) + "\n"

    def _print_type(self, merged: _MergedType, *, api: bool) -> str:
        hidden = {n for n, t in self.merged.items() if t.inaccessible} if api else set()
        head = _description(merged.description, "")
        if merged.kind == "scalar":
            return f"{head}scalar {merged.name}"
        if merged.kind == "union":
            members = [m for m in merged.members if m not in hidden]
            return f"{head}union {merged.name} = {' | '.join(members)}"
        if merged.kind == "enum":
            values = [
                f"{_description(d, '  ')}  {v}"
                for v, d in merged.values.items()
                if not (api and v in merged.inaccessible_values)
            ]
            return f"{head}enum {merged.name} {{\n" + "\n".join(values) + "\n}"
        keyword = {"object": "type", "interface": "interface", "input": "input"}[merged.kind]
        interfaces = [i for i in merged.interfaces if i not in hidden]
        implements = f" implements {' & '.join(interfaces)}" if interfaces else ""
        lines = []
        for merged_field in merged.fields.values():
            if api and merged_field.inaccessible:
                continue
            arguments = ""
            if merged_field.arguments:
                arguments = (
                    "(" + ", ".join(print_ast(a) for a in merged_field.arguments.values()) + ")"
                )
            default = f" = {merged_field.default}" if merged_field.default else ""
            lines.append(
                f"{_description(merged_field.description, '  ')}"
                f"  {merged_field.name}{arguments}: {_type_text(merged_field.type)}{default}"
            )
        return f"{head}{keyword} {merged.name}{implements} {{\n" + "\n".join(lines) + "\n}"


def _description(text: str | None, indent: str) -> str:
    return f"{indent}{json.dumps(text, ensure_ascii=False)}\n" if text else ""


def compose(subgraphs: list[Subgraph]) -> Supergraph:
    """The supergraph of these subgraphs, or CompositionError listing every conflict."""
    return _Composer(subgraphs).compose()
