"""Answering one GraphQL request over one supergraph, with documents and plans cached.

An `Engine` belongs to one composed supergraph; recomposing builds a new engine, so
requests under way finish on the one they started with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    OperationDefinitionNode,
    get_operation_ast,
    parse,
    validate,
)
from graphql.execution.values import get_variable_values

from services.gateway.composition.supergraph import Supergraph
from services.gateway.edge.limits import Limits
from services.gateway.execution.executor import Execution
from services.gateway.execution.response_shape import Shape, Shaper
from services.gateway.execution.subgraphs import SubgraphClients
from services.gateway.planning.operation import condition_variables, prepare
from services.gateway.planning.planner import Planner, PlanningError
from services.gateway.planning.query_plan import Fetch, QueryPlan
from services.kernel import errors, query_limits, tracing
from services.kernel.auth import Principal
from services.kernel.lru import LruCache, document_weight
from services.kernel.query_limits import QueryLimits

BAD_USER_INPUT = "BAD_USER_INPUT"
QUERY_PLANNING_FAILED = "QUERY_PLANNING_FAILED"
PLAN_BYTES_PER_FIELD = 2_000  # a prepared field, its plan step and its shape


class RequestError(Exception):
    """The request itself is wrong (syntax, validation, limits, variables): nothing runs."""

    def __init__(
        self, errors: list[dict[str, Any]], status: int = 400, *, by_limits: bool = False
    ) -> None:
        super().__init__(errors[0]["message"])
        self.errors = errors
        self.status = status
        self.by_limits = by_limits  # depends on who asks, so never cached


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
    weight: int  # bytes a plan of it may hold


@dataclass(frozen=True)
class CachedPlan:
    plan: QueryPlan
    shape: Shape
    weight: int


@dataclass(frozen=True)
class Prepared:
    kind: str  # query, mutation or subscription
    plan: QueryPlan
    shape: Shape
    variables: dict[str, Any]

    @property
    def first(self) -> Fetch:
        """A subscription's stream: the fetch of its root field."""
        return self.plan.steps[0][0]


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
        self.documents: LruCache[str, CheckedDocument | RequestError] = LruCache(
            limits.cache_bytes, lambda query, _: document_weight(query)
        )
        self.plans: LruCache[tuple[Any, ...], CachedPlan] = LruCache(
            limits.cache_bytes, lambda _, cached: cached.weight
        )

    def check(self, query: str, limits: QueryLimits) -> CheckedDocument:
        """The document parsed, within `limits` and valid against the supergraph. Parsing
        and validation are cached with their errors; refusals by limits, which depend on
        the caller, are not."""
        found = self.documents.get(query)
        if found is None:
            try:
                document = self._parse(query)
                fields = self._measured(document, limits)
                found = self._validated(query, document, fields)
            except RequestError as error:
                if error.by_limits:
                    raise
                # kept unraised: a raised one holds its traceback, and the parser's frames
                found = RequestError(error.errors, error.status)
            self.documents.put(query, found)
        if isinstance(found, RequestError):
            # a copy each time: the cached one, raised again and again, would gather every
            # request's frames (and with them the request) onto its traceback, for good
            raise RequestError(found.errors, found.status)
        return found

    def _parse(self, query: str) -> DocumentNode:
        try:
            return parse(query, max_tokens=self.limits.max_tokens)
        except GraphQLError as error:
            raise RequestError([_formatted(error)]) from None

    @staticmethod
    def _measured(document: DocumentNode, limits: QueryLimits) -> int:
        """Every operation measured (each fragment once) before validation, whose cost
        grows with the expanded document; the most fields any of them asks for."""
        fields = 0
        for operation in document.definitions:
            if isinstance(operation, OperationDefinitionNode):
                measures = query_limits.measure(document, operation)
                found = query_limits.breaches(measures, limits)
                if measures is None or found:
                    raise RequestError([b.as_error() for b in found], by_limits=True)
                fields = max(fields, measures.fields)
        return fields

    def _validated(self, query: str, document: DocumentNode, fields: int) -> CheckedDocument:
        problems = validate(self.supergraph.api_schema, document)
        if problems:
            raise RequestError([_formatted(p) for p in problems])
        weight = document_weight(query) + PLAN_BYTES_PER_FIELD * fields
        return CheckedDocument(document, condition_variables(document), weight)

    def within_limits(
        self,
        checked: CheckedDocument,
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any],
        limits: QueryLimits,
    ) -> None:
        """The operation to run within `limits`, its cost with the page sizes asked for."""
        measures = query_limits.measure(
            checked.document,
            operation,
            schema=self.supergraph.api_schema,
            costs=self.supergraph.field_costs,
            variables=variables,
            default_list_size=limits.default_list_size,
        )
        found = query_limits.breaches(measures, limits)
        if found:
            raise RequestError([b.as_error() for b in found], by_limits=True)

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
                    | {
                        "extensions": {
                            "code": BAD_USER_INPUT,
                            "field": errors.variable_field(e.message) or "variables",
                        }
                    }
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
            try:
                plan = self.planner.plan(operation, selections)
            except (PlanningError, RecursionError) as exc:
                message = f"the gateway cannot plan this operation: {exc}"
                raise RequestError([_error(message, QUERY_PLANNING_FAILED)]) from None
            cached = self.plans.put(
                cache_key,
                CachedPlan(plan, Shape(self.supergraph.schema, root, selections), checked.weight),
            )
        return cached

    def prepare(
        self,
        query: str,
        operation_name: str | None,
        variables: Mapping[str, Any],
        principal: Principal,
        *,
        queries_only: bool = False,
    ) -> Prepared:
        """The operation checked within the caller's limits, and its plan: nothing runs yet."""
        limits = self.limits.query.for_caller(principal)
        with tracing.span("graphql validate"):
            checked = self.check(query, limits)
            operation = self.operation(checked, operation_name)
            if queries_only and operation.operation.value != "query":
                refused = _error("only queries may be sent with GET", field="query")
                raise RequestError([refused], 405)
            coerced = self._variables(operation, variables)
            self.within_limits(checked, operation, coerced, limits)
        with tracing.span("graphql plan"):
            cached = self.plan_for(query, checked, operation, coerced)
        return Prepared(operation.operation.value, cached.plan, cached.shape, dict(variables))

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
        prepared = self.prepare(
            query, operation_name, variables, principal, queries_only=queries_only
        )
        if prepared.kind == "subscription":
            refused = _error("send a subscription as an event stream (Accept: text/event-stream) "
                             "or over WebSocket", field="query")  # fmt: skip
            raise RequestError([refused], 405)
        return await self.run(prepared, headers, principal)

    async def run(
        self,
        prepared: Prepared,
        headers: Mapping[str, str],
        principal: Principal,
        event: dict[str, Any] | None = None,
    ) -> Answer:
        """The prepared operation run; for a subscription, on one `event` of its stream."""
        execution = Execution(
            self.clients, self.supergraph.api_schema, prepared.variables, headers, principal
        )
        with tracing.span("graphql execute"):
            if event is None:
                await execution.run(prepared.plan)
            else:
                await execution.run_from(prepared.plan, event)
        data = Shaper(execution.errors, self.supergraph.api_schema).data(
            prepared.shape, execution.data
        )
        body: dict[str, Any] = {"data": data}
        if execution.errors:
            body = {"errors": execution.errors, "data": data}
        return Answer(body, prepared.plan, execution.requests)
