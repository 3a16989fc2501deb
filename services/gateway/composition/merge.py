"""Merging the subgraphs' types into the supergraph's, by the federation 2 rules.

Types of one name merge when they are of one kind (an @interfaceObject counts as the
interface it stands for). Object and interface fields are joined: a field resolved by more
than one subgraph must be shareable in each (a key field, a @shareable one, or an @external
one a @provides names), its types must agree up to subtyping (the supergraph takes the most
general output type and the most specific input type), and its arguments are those every
resolving subgraph has. Union members and output-only enum values are united; input fields
and input-only enum values are intersected; an enum used both ways must have the same
visible values everywhere. An @override moves a field to the overriding subgraph. An
implementation gains the fields an @interfaceObject gives its interface.

Each conflict becomes a problem naming its types, fields and subgraphs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import (
    InputValueDefinitionNode,
    ListTypeNode,
    NamedTypeNode,
    NonNullTypeNode,
    TypeNode,
    print_ast,
)

from services.gateway.composition import field_sets
from services.gateway.composition.merged_schema import MergedField, MergedType
from services.gateway.composition.problems import Problem, names
from services.gateway.composition.subgraph_schema import (
    Subgraph,
    SubgraphField,
    SubgraphType,
    named_type,
)

Definitions = list[tuple[str, SubgraphType]]
FieldSources = list[tuple[str, SubgraphType, SubgraphField]]


@dataclass
class Merged:
    types: dict[str, MergedType]
    resolvers: dict[tuple[str, str], tuple[str, ...]]
    # fields the planner must not fetch from the subgraph they were overridden in, though
    # that subgraph still defines them (its keys or @requires use them)
    overridden: set[tuple[str, str, str]]
    problems: list[Problem] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)


def merge(subgraphs: list[Subgraph]) -> Merged:
    return _Merger(subgraphs).merge()


def _is_required(argument: InputValueDefinitionNode) -> bool:
    return isinstance(argument.type, NonNullTypeNode) and argument.default_value is None


def _shape(node: TypeNode) -> str:
    """The type without nullability, for comparing shapes: `[Region]` for `[Region!]!`."""
    if isinstance(node, NonNullTypeNode):
        return _shape(node.type)
    if isinstance(node, ListTypeNode):
        return f"[{_shape(node.type)}]"
    assert isinstance(node, NamedTypeNode)
    return node.name.value


class _Merger:
    def __init__(self, subgraphs: list[Subgraph]) -> None:
        self.subgraphs = {s.name: s for s in subgraphs}
        self.problems: list[Problem] = []
        self.hints: list[str] = []
        self.resolvers: dict[tuple[str, str], tuple[str, ...]] = {}
        self.overridden: set[tuple[str, str, str]] = set()
        self.types: dict[str, MergedType] = {}
        self.definitions: dict[str, Definitions] = {}
        for subgraph in subgraphs:
            for name, subgraph_type in subgraph.types.items():
                self.definitions.setdefault(name, []).append((subgraph.name, subgraph_type))
        self.provided = {s.name: field_sets.provided_fields(s) for s in subgraphs}
        self.shareable = {
            s.name: self._shareable_fields(s, self.provided[s.name]) for s in subgraphs
        }
        self.used = {s.name: field_sets.used_fields(s) for s in subgraphs}
        self.input_enums, self.output_enums = self._enum_usage()

    def problem(self, code: str, message: str) -> None:
        self.problems.append(Problem(code, message))

    @staticmethod
    def _shareable_fields(
        subgraph: Subgraph, provided: set[tuple[str, str]]
    ) -> set[tuple[str, str]]:
        """Marked @shareable (or on a @shareable type), named by a key, or @external and
        provided: the fields this subgraph may resolve alongside others."""
        found = field_sets.key_fields(subgraph)
        for type_name, subgraph_type in subgraph.types.items():
            for name, declared in subgraph_type.fields.items():
                marked = declared.shareable or subgraph_type.shareable
                if marked or (declared.external and (type_name, name) in provided):
                    found.add((type_name, name))
        return found

    def _enum_usage(self) -> tuple[set[str], set[str]]:
        inputs: set[str] = set()
        outputs: set[str] = set()
        for subgraph in self.subgraphs.values():
            for subgraph_type in subgraph.types.values():
                for declared in subgraph_type.fields.values():
                    target = inputs if subgraph_type.kind == "input" else outputs
                    target.add(named_type(declared.type))
                    inputs.update(named_type(a.type) for a in declared.arguments.values())
        return inputs, outputs

    @staticmethod
    def _kind(subgraph_type: SubgraphType) -> str:
        return "interface" if subgraph_type.interface_object else subgraph_type.kind

    def merge(self) -> Merged:
        kinds: dict[str, str] = {}
        for name, definitions in self.definitions.items():
            found = {self._kind(t) for _, t in definitions}
            if len(found) > 1:
                where = "; ".join(f"{self._describe_kind(t)} in {s}" for s, t in definitions)
                self.problem("TYPE_KIND_MISMATCH", f"type {name} is defined as {where}")
                continue
            kinds[name] = found.pop()
        for name, kind in kinds.items():  # first what subtyping depends on
            self.types[name] = self._shallow(name, kind, self.definitions[name])
        for name, kind in kinds.items():
            getattr(self, f"_merge_{kind}")(self.types[name], self.definitions[name])
        self._add_interface_object_fields()
        self._check_implementations()
        if "Query" not in self.types:
            self.problem("NO_QUERIES", "no subgraph defines a Query field")
        return Merged(self.types, self.resolvers, self.overridden, self.problems, self.hints)

    @staticmethod
    def _describe_kind(subgraph_type: SubgraphType) -> str:
        if subgraph_type.interface_object:
            return "@interfaceObject"
        return subgraph_type.kind

    def _shallow(self, name: str, kind: str, definitions: Definitions) -> MergedType:
        merged = MergedType(
            name=name,
            kind=kind,
            description=next((t.description for _, t in definitions if t.description), None),
            inaccessible=any(t.inaccessible for _, t in definitions),
        )
        for _, subgraph_type in definitions:
            merged.interfaces += [i for i in subgraph_type.interfaces if i not in merged.interfaces]
            merged.members += [m for m in subgraph_type.members if m not in merged.members]
        return merged

    # objects and interfaces

    def _field_sources(self, definitions: Definitions) -> dict[str, FieldSources]:
        by_field: dict[str, FieldSources] = {}
        for subgraph, subgraph_type in definitions:
            for name, declared in subgraph_type.fields.items():
                by_field.setdefault(name, []).append((subgraph, subgraph_type, declared))
        return by_field

    def _merge_object(self, merged: MergedType, definitions: Definitions) -> None:
        for name, sources in self._field_sources(definitions).items():
            overridden = self._overridden(merged.name, name, sources)
            merged_field = self._merge_field(merged.name, name, sources, overridden)
            if merged_field is None:
                continue
            merged.fields[name] = merged_field
            self._check_sharing(merged, name, sources, overridden)

    def _merge_interface(self, merged: MergedType, definitions: Definitions) -> None:
        for name, sources in self._field_sources(definitions).items():
            merged_field = self._merge_field(merged.name, name, sources, set())
            if merged_field is not None:
                merged.fields[name] = merged_field
        implementations = [
            name
            for name, candidate in self.types.items()
            if candidate.kind == "object" and merged.name in candidate.interfaces
        ]
        for subgraph, subgraph_type in definitions:
            if not subgraph_type.interface_object:
                continue
            known = [t for t in implementations if t in self.subgraphs[subgraph].types]
            if known:
                self.problem(
                    "INTERFACE_OBJECT_USAGE_ERROR",
                    f"{merged.name} is an @interfaceObject in {subgraph}, which must then not "
                    f"define its implementations, but defines {', '.join(sorted(known))}",
                )

    def _overridden(self, type_name: str, name: str, sources: FieldSources) -> set[str]:
        """The subgraphs this field is overridden in: no longer resolved there."""
        coordinate = f"{type_name}.{name}"
        having = {s: f for s, _, f in sources}
        overriding = {s: f.override_from for s, _, f in sources if f.override_from}
        found: set[str] = set()
        for subgraph, source in overriding.items():
            assert source is not None
            if source == subgraph:
                self.problem(
                    "OVERRIDE_FROM_SELF_ERROR",
                    f"{coordinate} in {subgraph} overrides its own subgraph",
                )
            elif source in overriding:
                self.problem(
                    "OVERRIDE_SOURCE_HAS_OVERRIDE",
                    f"{coordinate} is overridden from {source} by {subgraph}, and overrides "
                    f"in {source} too: only one @override is allowed per field",
                )
            elif source not in self.subgraphs:
                self.hints.append(f"{coordinate} in {subgraph} overrides {source}, no subgraph")
            elif source not in having:
                self.hints.append(f"{coordinate} overrides {source}, which does not define it")
            elif having[source].external:
                self.hints.append(f"{coordinate} overrides {source}, where it is @external")
            else:
                found.add(source)
                if (type_name, name) in self.used[source]:
                    self.overridden.add((type_name, name, source))
        return found

    def _merge_field(
        self, type_name: str, name: str, sources: FieldSources, overridden: set[str]
    ) -> MergedField | None:
        coordinate = f"{type_name}.{name}"
        resolving = [(s, t, f) for s, t, f in sources if not f.external and s not in overridden]
        abstracted = self._through_interface_objects(type_name, name)
        if not resolving and not [s for s, f in abstracted if not f.external]:
            self.problem(
                "EXTERNAL_MISSING_ON_BASE",
                f"field {coordinate} is @external in {names(s for s, _, _ in sources)} "
                "but no subgraph resolves it",
            )
            return None
        if resolving:
            self.resolvers[(type_name, name)] = tuple(s for s, _, _ in resolving)
        typed = [(s, t, f) for s, t, f in sources if not f.external] or sources
        merged_type = self._merge_type_reference(
            coordinate, [(s, f.type) for s, _, f in typed], output=True
        )
        if merged_type is None:
            return None
        for subgraph, _, external in sources:
            if external.external and not self._subtype(merged_type, external.type):
                self.problem(
                    "EXTERNAL_TYPE_MISMATCH",
                    f"field {coordinate} is @external in {subgraph} with type "
                    f"{print_ast(external.type)}, not the {print_ast(merged_type)} it resolves to",
                )
        arguments = self._merge_arguments(coordinate, [(s, f) for s, _, f in typed])
        return MergedField(
            name=name,
            type=merged_type,
            description=next((f.description for _, _, f in typed if f.description), None),
            arguments=arguments,
            inaccessible=any(f.inaccessible for _, _, f in sources),
            hidden_arguments=frozenset(a for _, _, f in typed for a in f.hidden_arguments),
        )

    def _through_interface_objects(
        self, type_name: str, name: str
    ) -> list[tuple[str, SubgraphField]]:
        """The field as @interfaceObject types of this object's interfaces give it, from
        subgraphs that do not define the object."""
        merged = self.types.get(type_name)
        if merged is None or merged.kind != "object":
            return []
        found = []
        for subgraph in self.subgraphs.values():
            if type_name in subgraph.types:
                continue
            for interface in merged.interfaces:
                stand_in = subgraph.types.get(interface)
                if stand_in is not None and stand_in.interface_object and name in stand_in.fields:
                    found.append((subgraph.name, stand_in.fields[name]))
        return found

    def _check_sharing(
        self, merged: MergedType, name: str, sources: FieldSources, overridden: set[str]
    ) -> None:
        shareable: list[str] = []
        unshareable: list[str] = []
        place = (merged.name, name)
        for subgraph, _, declared in sources:
            fully_external = declared.external and place not in self.provided[subgraph]
            if subgraph in overridden or fully_external:
                continue
            (shareable if place in self.shareable[subgraph] else unshareable).append(subgraph)
        for subgraph, declared in self._through_interface_objects(merged.name, name):
            if not declared.external:
                stand_in = next(
                    i
                    for i in merged.interfaces
                    if name in getattr(self.subgraphs[subgraph].types.get(i), "fields", {})
                )
                listed = shareable if (stand_in, name) in self.shareable[subgraph] else unshareable
                listed.append(subgraph)
        if unshareable and (shareable or len(unshareable) > 1):
            self.problem(
                "INVALID_FIELD_SHARING",
                f"field {merged.name}.{name} is resolved by {names(shareable + unshareable)} "
                f"but is not @shareable in {names(unshareable)}",
            )

    # types and arguments

    def _subtype(self, general: TypeNode, specific: TypeNode) -> bool:
        """Whether `specific` is `general` or a subtype of it: a non-null of a nullable, a
        union member of the union, an implementation of the interface, element-wise in
        lists."""
        if isinstance(specific, NonNullTypeNode):
            inner = general.type if isinstance(general, NonNullTypeNode) else general
            return self._subtype(inner, specific.type)
        if isinstance(general, NonNullTypeNode):
            return False
        if isinstance(general, ListTypeNode) or isinstance(specific, ListTypeNode):
            return (
                isinstance(general, ListTypeNode)
                and isinstance(specific, ListTypeNode)
                and self._subtype(general.type, specific.type)
            )
        assert isinstance(general, NamedTypeNode) and isinstance(specific, NamedTypeNode)
        wide, narrow = general.name.value, specific.name.value
        if wide == narrow:
            return True
        container = self.types.get(wide)
        implementing = self.types.get(narrow)
        if container is None or implementing is None:
            return False
        if container.kind == "union":
            return narrow in container.members
        return container.kind == "interface" and wide in implementing.interfaces

    def _merge_type_reference(
        self, coordinate: str, typed: list[tuple[str, TypeNode]], *, output: bool
    ) -> TypeNode | None:
        """The most general of the types for an output, the most specific for an input."""
        merged = typed[0][1]
        for _, other in typed[1:]:
            if self._subtype(merged, other):
                merged = merged if output else other
            elif self._subtype(other, merged):
                merged = other if output else merged
            else:
                where = "; ".join(f"{print_ast(t)} in {s}" for s, t in typed)
                kind = "field" if output else "argument"
                self.problem(
                    "FIELD_TYPE_MISMATCH", f"{kind} {coordinate} has different types: {where}"
                )
                return None
        return merged

    def _merge_default(
        self, coordinate: str, defaults: list[tuple[str, str | None]], code: str
    ) -> str | None:
        """Kept only when every subgraph gives the same default."""
        given = {d for _, d in defaults if d is not None}
        if len(given) > 1:
            where = "; ".join(f"{d or 'none'} in {s}" for s, d in defaults)
            self.problem(code, f"{coordinate} has different defaults: {where}")
            return None
        if given and any(d is None for _, d in defaults):
            self.hints.append(f"{coordinate} has a default in only some subgraphs: none is kept")
            return None
        return given.pop() if given else None

    def _merge_arguments(
        self, coordinate: str, fields: list[tuple[str, SubgraphField]]
    ) -> dict[str, InputValueDefinitionNode]:
        merged: dict[str, InputValueDefinitionNode] = {}
        for name in dict.fromkeys(n for _, f in fields for n in f.arguments):
            present = [(s, f.arguments[name]) for s, f in fields if name in f.arguments]
            missing = [s for s, f in fields if name not in f.arguments]
            where = f"argument {coordinate}({name}:)"
            if missing:
                required = [s for s, a in present if _is_required(a)]
                if required:
                    self.problem(
                        "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH",
                        f"{where} is required in {names(required)} but missing in {names(missing)}",
                    )
                else:
                    self.hints.append(f"{where} is left out: missing in {names(missing)}")
                continue
            merged_type = self._merge_type_reference(
                f"{coordinate}({name}:)", [(s, a.type) for s, a in present], output=False
            )
            if merged_type is None:
                continue
            default = self._merge_default(
                where,
                [(s, print_ast(a.default_value) if a.default_value else None) for s, a in present],
                "ARGUMENT_DEFAULT_MISMATCH",
            )
            first = present[0][1]
            merged[name] = InputValueDefinitionNode(
                name=first.name,
                description=next((a.description for _, a in present if a.description), None),
                type=merged_type,
                default_value=next(
                    (a.default_value for _, a in present if a.default_value), None
                ) if default else None,
                directives=(),
            )  # fmt: skip
        return merged

    # the other kinds

    def _merge_input(self, merged: MergedType, definitions: Definitions) -> None:
        for name in dict.fromkeys(f for _, t in definitions for f in t.fields):
            present = [(s, t.fields[name]) for s, t in definitions if name in t.fields]
            missing = [s for s, t in definitions if name not in t.fields]
            coordinate = f"input field {merged.name}.{name}"
            inaccessible = any(f.inaccessible for _, f in present)
            if missing and not inaccessible:
                required = [s for s, f in present if _is_required(f.node)]  # type: ignore[arg-type]
                if required:
                    self.problem(
                        "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH",
                        f"{coordinate} is required in {names(required)} but missing in "
                        f"{names(missing)}",
                    )
                continue
            merged_type = self._merge_type_reference(
                f"{merged.name}.{name}", [(s, f.type) for s, f in present], output=False
            )
            if merged_type is None:
                continue
            defaults = [
                (s, print_ast(f.node.default_value) if f.node.default_value else None)  # type: ignore[union-attr]
                for s, f in present
            ]
            merged.fields[name] = MergedField(
                name=name,
                type=merged_type,
                description=next((f.description for _, f in present if f.description), None),
                arguments={},
                inaccessible=inaccessible,
                default=self._merge_default(coordinate, defaults, "INPUT_FIELD_DEFAULT_MISMATCH"),
            )
        if not merged.fields:
            self.problem(
                "EMPTY_MERGED_INPUT_TYPE",
                f"input type {merged.name} has no field defined in all of "
                f"{names(s for s, _ in definitions)}",
            )

    def _merge_union(self, merged: MergedType, definitions: Definitions) -> None:
        pass  # members are united by _shallow

    def _merge_scalar(self, merged: MergedType, definitions: Definitions) -> None:
        pass

    def _merge_enum(self, merged: MergedType, definitions: Definitions) -> None:
        as_input = merged.name in self.input_enums
        as_output = merged.name in self.output_enums or not as_input
        every = list(dict.fromkeys(v for _, t in definitions for v in t.values))
        hidden = {v for _, t in definitions for v, inaccessible in t.values.items() if inaccessible}
        for value in every:
            lacking = [s for s, t in definitions if value not in t.values]
            if lacking and value not in hidden and as_input:
                if as_output:
                    self.problem(
                        "ENUM_VALUE_MISMATCH",
                        f"enum {merged.name} is used for input and output, so its values must "
                        f"be the same in every subgraph: {value} is missing in {names(lacking)}",
                    )
                else:
                    self.hints.append(
                        f"value {merged.name}.{value} is left out: missing in {names(lacking)}"
                    )
                    continue
            merged.values[value] = next(
                (t.value_descriptions.get(value) for _, t in definitions if value in t.values),
                None,
            )
            if value in hidden:
                merged.inaccessible_values.add(value)
        if not merged.values:
            self.problem(
                "EMPTY_MERGED_ENUM_TYPE",
                f"input enum {merged.name} has no value common to "
                f"{names(s for s, _ in definitions)}",
            )

    # after merging

    def _add_interface_object_fields(self) -> None:
        """An implementation has the fields an @interfaceObject adds to its interface."""
        for merged in self.types.values():
            if merged.kind != "object":
                continue
            for interface in merged.interfaces:
                for name, interface_field in self.types[interface].fields.items():
                    if name in merged.fields:
                        continue
                    given = self._through_interface_objects(merged.name, name)
                    if any(not f.external for _, f in given):
                        merged.fields[name] = interface_field

    def _check_implementations(self) -> None:
        for merged in self.types.values():
            for interface in merged.interfaces:
                for name in self.types[interface].fields if interface in self.types else ():
                    if name not in merged.fields:
                        self.problem(
                            "INTERFACE_FIELD_NO_IMPLEM",
                            f"{merged.name} implements {interface} but has no field {name}",
                        )
