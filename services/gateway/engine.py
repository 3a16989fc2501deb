"""Answering one GraphQL request over one supergraph, with documents and plans cached.

An `Engine` belongs to one composed supergraph; recomposing builds a new engine, so
requests under way finish on the one they started with.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from graphql import (
    DocumentNode,
    GraphQLError,
    OperationDefinitionNode,
    get_operation_ast,
    parse,
    validate,
)
from graphql.execution.values import get_variable_values

from services.gateway.executor import Execution
from services.gateway.limits import Limits, breaches
from services.gateway.operation import condition_variables, prepare
from services.gateway.plan import QueryPlan
from services.gateway.planner import Planner
from services.gateway.shaping import Shape, Shaper
from services.gateway.subgraphs import SubgraphClients
from services.gateway.supergraph import Supergraph
from services.kernel.auth import Principal

K = TypeVar("K")
V = TypeVar("V")
BAD_USER_INPUT = "BAD_USER_INPUT"


class LruCache(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[K, V] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: K) -> V | None:
        value = self.items.get(key)
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
            self.items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> V:
        self.items[key] = value
        if len(self.items) > self.size:
            self.items.popitem(last=False)
        return value


class RequestError(Exception):
    """The request itself is wrong (syntax, validation, limits, variables): nothing runs."""

    def __init__(self, errors: list[dict[str, Any]], status: int = 400) -> None:
        super().__init__(errors[0]["message"])
        self.errors = errors
        self.status = status


def _error(message: str, code: str = BAD_USER_INPUT, **extensions: Any) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": code, **extensions}}


def _formatted(error: GraphQLError) -> dict[str, Any]:
    formatted = dict(error.formatted)
    extensions: dict[str, Any] = dict(formatted.get("extensions") or {})  # type: ignore[call-overload]
    formatted["extensions"] = {"code": BAD_USER_INPUT, **extensions}
    return formatted


@dataclass(frozen=True)
class CheckedDocument:
    document: DocumentNode
    conditions: tuple[str, ...]  # variables read by @skip/@include


@dataclass(frozen=True)
class CachedPlan:
    plan: QueryPlan
    shape: Shape


@dataclass
class Answer:
    body: dict[str, Any]
    plan: QueryPlan
    requests: dict[str, int]


class Engine:
    def __init__(self, supergraph: Supergraph, clients: SubgraphClients, limits: Limits) -> None:
        self.supergraph = supergraph
        self.clients = clients
        self.limits = limits
        self.planner = Planner(supergraph)
        self.documents: LruCache[str, CheckedDocument | RequestError] = LruCache(1000)
        self.plans: LruCache[tuple[Any, ...], CachedPlan] = LruCache(1000)

    def check(self, query: str) -> CheckedDocument:
        """The document parsed, within limits and valid against the supergraph (cached)."""
        found = self.documents.get(query)
        if found is None:
            try:
                found = CheckedDocument(*self._check(query))
            except RequestError as error:
                found = error
            self.documents.put(query, found)
        if isinstance(found, RequestError):
            raise found
        return found

    def _check(self, query: str) -> tuple[DocumentNode, tuple[str, ...]]:
        try:
            document = parse(query, max_tokens=self.limits.max_tokens)
        except GraphQLError as error:
            raise RequestError([_formatted(error)]) from None
        found = breaches(document, self.limits)
        if found:
            raise RequestError([_error(b.message, limit=b.limit) for b in found])
        problems = validate(self.supergraph.api_schema, document)
        if problems:
            raise RequestError([_formatted(p) for p in problems])
        return document, condition_variables(document)

    def operation(self, checked: CheckedDocument, name: str | None) -> OperationDefinitionNode:
        operation = get_operation_ast(checked.document, name)
        if operation is None:
            message = (
                f"no operation named {name!r}"
                if name
                else "the document has several operations: name one with operationName"
            )
            raise RequestError([_error(message, field="operationName")])
        return operation

    def _variables(
        self, operation: OperationDefinitionNode, raw: Mapping[str, Any]
    ) -> dict[str, Any]:
        coerced = get_variable_values(
            self.supergraph.api_schema, operation.variable_definitions or (), dict(raw)
        )
        if isinstance(coerced, list):
            raise RequestError(
                [
                    _formatted(e)
                    | {"extensions": {"code": BAD_USER_INPUT, "field": _variable_of(e)}}
                    for e in coerced
                ]
            )
        return dict(coerced.coerced)

    def plan_for(
        self,
        query: str,
        checked: CheckedDocument,
        operation: OperationDefinitionNode,
        coerced: dict[str, Any],
    ) -> CachedPlan:
        conditions = tuple(bool(coerced.get(v)) for v in checked.conditions)
        cache_key = (query, operation.name.value if operation.name else None, conditions)
        cached = self.plans.get(cache_key)
        if cached is None:
            selections = prepare(checked.document, operation, coerced)
            root = self.supergraph.schema.get_root_type(operation.operation)
            assert root is not None
            cached = self.plans.put(
                cache_key,
                CachedPlan(
                    self.planner.plan(operation, selections),
                    Shape(self.supergraph.schema, root, selections),
                ),
            )
        return cached

    async def answer(
        self,
        query: str,
        operation_name: str | None,
        variables: Mapping[str, Any],
        headers: Mapping[str, str],
        principal: Principal,
        *,
        queries_only: bool = False,
    ) -> Answer:
        checked = self.check(query)
        operation = self.operation(checked, operation_name)
        if queries_only and operation.operation.value != "query":
            raise RequestError([_error("only queries may be sent with GET", field="query")], 405)
        coerced = self._variables(operation, variables)
        cached = self.plan_for(query, checked, operation, coerced)
        execution = Execution(
            self.clients, self.supergraph.api_schema, dict(variables), headers, principal
        )
        await execution.run(cached.plan)
        data = Shaper(execution.errors).data(cached.shape, execution.data)
        body: dict[str, Any] = {"data": data}
        if execution.errors:
            body = {"errors": execution.errors, "data": data}
        return Answer(body, cached.plan, execution.requests)


def _variable_of(error: GraphQLError) -> str:
    message = error.message
    if message.startswith("Variable '$"):
        return "variables." + message[len("Variable '$") :].split("'")[0]
    return "variables"
