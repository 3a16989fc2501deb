"""What one GraphQL operation may ask, measured in one pass over its document.

Every measure (depth, fields once fragments are expanded, aliases, root fields, pairs of
fields answering under one name, cost) is computed once per fragment, however often the
fragment is spread, so measuring takes time linear in the document even when the expanded
query would be exponentially large.

The cost follows the `@cost`/`@listSize` demand-control directives: a field of an object type
costs 1, a leaf nothing, a field adds the `@cost(weight:)` it declares each time it is
resolved, and a list multiplies what its items cost by its page size (a slicing argument
such as `first`, else the list's assumed size, else a default). A slicing argument is priced
at what the subgraph will serve: a variable left out takes the variable's default, else the
argument's; a null takes the argument's default; an argument with no default, the list's
assumed size (the most the subgraph serves). A document is measured
before it is validated, planned or run, so the schema may not know every field: an unknown
field costs as a field of an object type would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    NullValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
)
from graphql.pyutils import Undefined
from graphql.utilities import value_from_ast_untyped
from graphql.utilities.coerce_input_value import coerce_default_value

from services.kernel.auth import Principal, Role
from services.kernel.field_costs import Costs, FieldCost
from services.kernel.settings import Settings

COST_LIMIT = "COST_LIMIT"
STAFF = frozenset({Role.ADMIN, Role.MINISTRY})
LIMIT_REFUSED = "BAD_USER_INPUT"


@dataclass(frozen=True)
class QueryLimits:
    max_depth: int = 12
    max_aliases: int = 30
    max_root_fields: int = 20
    max_fields: int = 2_000  # fields once every fragment is expanded
    max_overlaps: int = 2_000  # pairs of fields under one response key, weighed (see Measures)
    max_cost: int = 100_000
    default_list_size: int = 20  # for a list field that declares no @listSize


@dataclass(frozen=True)
class CallerLimits:
    """Anonymous callers are held tighter than signed-in ones, and these (hundreds of region
    operators, assessors, citizens) tighter than the ministry's staff, whose exports read a
    whole cycle."""

    staff: QueryLimits
    signed_in: QueryLimits
    anonymous: QueryLimits

    def for_caller(self, principal: Principal) -> QueryLimits:
        if principal.is_anonymous:
            return self.anonymous
        return self.staff if principal.role in STAFF else self.signed_in

    def scaled(self, factor: int) -> CallerLimits:
        """Each loosened by `factor`: what a subgraph allows beside the gateway's limits."""

        def scale(limits: QueryLimits) -> QueryLimits:
            return QueryLimits(
                max_depth=limits.max_depth + 4,
                max_aliases=limits.max_aliases * factor,
                max_root_fields=limits.max_root_fields * factor,
                max_fields=limits.max_fields * factor,
                max_overlaps=limits.max_overlaps * factor,
                max_cost=limits.max_cost * factor,
                default_list_size=limits.default_list_size,
            )

        return CallerLimits(scale(self.staff), scale(self.signed_in), scale(self.anonymous))


def edge_limits(settings: Settings) -> CallerLimits:
    """The gateway's limits, with the costs the settings choose."""
    return caller_limits(
        settings.max_query_cost,
        settings.max_signed_in_query_cost,
        settings.max_anonymous_query_cost,
    )


def caller_limits(staff_cost: int, signed_in_cost: int, anonymous_cost: int) -> CallerLimits:
    """The suite's limits at the edge, with these costs."""
    return CallerLimits(
        staff=QueryLimits(max_cost=staff_cost),
        signed_in=QueryLimits(max_cost=signed_in_cost),
        anonymous=QueryLimits(
            max_depth=10,
            max_aliases=15,
            max_root_fields=10,
            max_fields=1_000,
            max_overlaps=1_000,
            max_cost=anonymous_cost,
        ),
    )


@dataclass(frozen=True)
class Breach:
    limit: str  # depth, aliases, rootFields, fields, overlaps or cost
    measured: int | None  # None: too deeply nested to measure
    allowed: int

    @property
    def message(self) -> str:
        if self.measured is None:
            return f"the query nests too deeply; at most {self.allowed} levels are allowed"
        what = {
            "depth": f"is {self.measured} levels deep",
            "aliases": f"uses {self.measured} aliases",
            "rootFields": f"asks for {self.measured} root fields",
            "fields": f"asks for {self.measured} fields once its fragments are expanded",
            "cost": f"costs {self.measured}",
            "overlaps": f"repeats fields under one name {self.measured} times over",
        }[self.limit]
        return f"the query {what}; at most {self.allowed} allowed"

    @property
    def extensions(self) -> dict[str, Any]:
        if self.limit == "cost":
            return {"code": COST_LIMIT, "limit": "cost", "cost": self.measured,
                    "maxCost": self.allowed}  # fmt: skip
        return {"code": LIMIT_REFUSED, "limit": self.limit}

    def as_error(self) -> dict[str, Any]:
        return {"message": self.message, "extensions": self.extensions}


@dataclass
class Measures:
    depth: int = 0
    fields: int = 0
    aliases: int = 0
    own_fields: int = 0  # fields of this selection set itself, fragments' included
    cost: int = 0
    # validation compares every two fields that answer under one key, and what they hold:
    # pairs of such fields, each pair weighing the product of their fields
    overlaps: int = 0
    keys: dict[str, int] = field(default_factory=dict)  # response key -> fields under it

    def add(self, other: Measures) -> None:
        self.depth = max(self.depth, other.depth)
        self.fields += other.fields
        self.aliases += other.aliases
        self.own_fields += other.own_fields
        self.cost += other.cost
        self.overlaps += other.overlaps
        for key, weight in other.keys.items():
            held = self.keys.get(key, 0)
            self.overlaps += held * weight
            self.keys[key] = held + weight


class _Walk:
    def __init__(
        self,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        schema: GraphQLSchema | None,
        costs: Costs,
        variables: Mapping[str, Any],
        default_list_size: int,
    ) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.schema = schema
        self.costs = costs
        self.variables = {**_variable_defaults(operation), **variables}
        self.default_list_size = default_list_size
        self.measured: dict[str, Measures] = {}
        self.expanding: set[str] = set()

    def selection_set(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType | None
    ) -> Measures:
        total = Measures()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total.add(self.field(selection, parent))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self._type(condition.name.value) if condition else parent
                total.add(self.selection_set(selection.selection_set, inner))
            elif isinstance(selection, FragmentSpreadNode):
                total.add(self.fragment(selection.name.value))
        return total

    def fragment(self, name: str) -> Measures:
        known = self.measured.get(name)
        if known is not None:
            return known
        definition = self.fragments.get(name)
        if definition is None or name in self.expanding:  # validation reports both
            return Measures()
        self.expanding.add(name)
        measured = self.selection_set(
            definition.selection_set, self._type(definition.type_condition.name.value)
        )
        self.expanding.discard(name)
        self.measured[name] = measured
        return measured

    def field(self, node: FieldNode, parent: GraphQLNamedType | None) -> Measures:
        name = node.name.value
        definition = self._field(parent, name)
        below = (
            self.selection_set(node.selection_set, self._named(definition))
            if node.selection_set
            else Measures()
        )
        own = 1 if node.selection_set else 0
        declared = self.costs.get((parent.name, name)) if parent else None
        weight = declared.weight if declared else 0
        many = self._list_size(declared, definition, node) if self._is_list(definition) else 1
        return Measures(
            # introspection's `ofType` chains wrapped types one to one and cannot fan out
            depth=below.depth + (0 if name == "ofType" else 1),
            fields=1 + below.fields,
            aliases=(1 if node.alias else 0) + below.aliases,
            own_fields=0 if name == "__typename" else 1,
            cost=weight + many * (own + below.cost),
            overlaps=below.overlaps,
            keys={(node.alias or node.name).value: 1 + below.fields},
        )

    def _type(self, name: str) -> GraphQLNamedType | None:
        return self.schema.get_type(name) if self.schema else None

    @staticmethod
    def _field(parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
        fields = getattr(parent, "fields", None)
        return fields.get(name) if fields else None

    @staticmethod
    def _named(definition: GraphQLField | None) -> GraphQLNamedType | None:
        return get_named_type(definition.type) if definition else None

    @staticmethod
    def _is_list(definition: GraphQLField | None) -> bool:
        return definition is not None and is_list_type(get_nullable_type(definition.type))

    def _list_size(
        self, declared: FieldCost | None, definition: GraphQLField | None, node: FieldNode
    ) -> int:
        if declared is None or not (declared.slicing_arguments or declared.assumed_size):
            return self.default_list_size
        given = {argument.name.value: argument.value for argument in node.arguments or ()}
        sliced = [self._count(given.get(name)) for name in declared.slicing_arguments]
        counted = [
            self._default(definition, name) if n is None else n
            for name, n in zip(declared.slicing_arguments, sliced, strict=True)
        ]
        known = [n for n in counted if n is not None]
        if known:
            return max(known)
        return (
            declared.assumed_size if declared.assumed_size is not None else self.default_list_size
        )

    def _count(self, value: Any) -> int | None:
        """What a slicing argument asks for; None when the argument's default applies (left
        out, null, or a variable left out or null)."""
        if isinstance(value, VariableNode):
            return _size_of(self.variables.get(value.name.value))
        if isinstance(value, IntValueNode):
            return max(int(value.value), 0)
        if isinstance(value, ListValueNode):
            return len(value.values)
        if value is None or isinstance(value, NullValueNode):
            return None
        return 0  # a value of another type is refused by validation

    @staticmethod
    def _default(definition: GraphQLField | None, argument: str) -> int | None:
        found = definition.args.get(argument) if definition else None
        if found is None:
            return None
        default = coerce_default_value(found)
        return None if default is Undefined else _size_of(default)


def _variable_defaults(operation: OperationDefinitionNode) -> dict[str, Any]:
    """The defaults the operation gives its variables, for those the request leaves out."""
    return {
        definition.variable.name.value: value_from_ast_untyped(definition.default_value)
        for definition in operation.variable_definitions or ()
        if definition.default_value is not None
    }


def _size_of(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():  # an Int variable sent as 500.0
        value = int(value)
    if isinstance(value, int):
        return max(value, 0)
    if isinstance(value, list | tuple):
        return len(value)
    return None


def measure(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    *,
    schema: GraphQLSchema | None = None,
    costs: Costs | None = None,
    variables: Mapping[str, Any] | None = None,
    default_list_size: int = QueryLimits.default_list_size,
) -> Measures | None:
    """The operation's measures, in time linear in the document; None when it nests too
    deeply to follow."""
    walk = _Walk(document, operation, schema, costs or {}, variables or {}, default_list_size)
    root = schema.get_root_type(operation.operation) if schema else None
    try:
        return walk.selection_set(operation.selection_set, root)
    except RecursionError:
        return None


def breaches(measures: Measures | None, limits: QueryLimits) -> tuple[Breach, ...]:
    """Every limit the measured operation exceeds."""
    if measures is None:
        return (Breach("depth", None, limits.max_depth),)
    checks = (
        ("depth", measures.depth, limits.max_depth),
        ("aliases", measures.aliases, limits.max_aliases),
        ("rootFields", measures.own_fields, limits.max_root_fields),
        ("fields", measures.fields, limits.max_fields),
        ("cost", measures.cost, limits.max_cost),
        ("overlaps", measures.overlaps, limits.max_overlaps),
    )
    return tuple(Breach(name, value, allowed) for name, value, allowed in checks if value > allowed)
