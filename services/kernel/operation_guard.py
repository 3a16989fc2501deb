"""A subgraph guards itself as the gateway does: it can be reached inside a cluster.

Documents are parsed once and kept in a cache bounded by bytes; each operation is measured
against the caller's limits (in time linear in the document) before graphql-core validates
it, since validation's cost grows with the expanded document; a valid operation's text
arguments are checked to be plain text; and a query still running at its deadline is
cancelled, not just answered late. Mutations run to their end: stopping one
between two writes would leave half of it applied.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from graphql import DocumentNode, GraphQLError, get_operation_ast, parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document
from strawberry.types.graphql import OperationType

from services.kernel import plain_text, query_limits
from services.kernel.auth import ANONYMOUS
from services.kernel.field_costs import Costs
from services.kernel.lru import LruCache, document_weight
from services.kernel.query_limits import CallerLimits

MEGABYTE = 1024 * 1024
DEADLINE_EXCEEDED = "DEADLINE_EXCEEDED"


@dataclass(frozen=True)
class SubgraphLimits:
    """Set per service from its settings; the defaults fit a service under test."""

    query: CallerLimits
    deadline_seconds: float = 10.0


class DocumentCaches:
    """One per schema: parsed documents and their validation errors, by query text."""

    def __init__(self, max_bytes: int = 32 * MEGABYTE) -> None:
        weigh: Callable[[str, Any], int] = lambda query, _: document_weight(query)  # noqa: E731
        self.documents: LruCache[str, DocumentNode] = LruCache(max_bytes, weigh)
        self.validated: LruCache[str, list[GraphQLError]] = LruCache(max_bytes, weigh)


class OperationGuard(SchemaExtension):
    """Parse from the cache, measure before validating, stop a query at its deadline."""

    def __init__(self, caches: DocumentCaches, costs: Callable[[], Costs]) -> None:
        super().__init__()
        self.caches = caches
        self.costs = costs

    @cached_property
    def limits(self) -> SubgraphLimits | None:
        return getattr(self.execution_context.context, "limits", None)

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query
        if query is not None:
            context.graphql_document = self.caches.documents.get(query)
        if context.graphql_document is None and query is not None:
            # a syntax error raised here is answered as the request's error, parsed once
            context.graphql_document = parse(query, **context.parse_options)
            self.caches.documents.put(query, context.graphql_document)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document, query = context.graphql_document, context.query
        refused = self._breaches(document) if document is not None else []
        if refused:
            context.pre_execution_errors = refused
        elif document is not None and query is not None:
            known = self.caches.validated.get(query)
            if known is None:
                known = self.caches.validated.put(
                    query,
                    validate_document(context.schema._schema, document, context.validation_rules),
                )
            context.pre_execution_errors = known or self._unprintable(document)
        yield

    def _unprintable(self, document: DocumentNode) -> list[GraphQLError]:
        """What the operation's arguments say is plain text (checked once it is valid)."""
        context = self.execution_context
        operation = get_operation_ast(document, context.operation_name)
        if operation is None:
            return []
        try:
            found = plain_text.first_unprintable(document, operation, context.variables or {})
        except RecursionError:
            return [_refusal("the variables nest too deeply", "variables")]
        return [_refusal(found.message, found.field)] if found else []

    def _breaches(self, document: DocumentNode) -> list[GraphQLError]:
        context = self.execution_context
        operation = get_operation_ast(document, context.operation_name)
        if operation is None or self.limits is None:
            return []  # validation says what is wrong
        principal = getattr(context.context, "principal", ANONYMOUS)
        limits = self.limits.query.for_caller(principal)
        measures = query_limits.measure(
            document,
            operation,
            schema=context.schema._schema,
            costs=self.costs(),
            variables=context.variables or {},
            default_list_size=limits.default_list_size,
        )
        return [
            GraphQLError(breach.message, extensions=breach.extensions)
            for breach in query_limits.breaches(measures, limits)
        ]

    def on_execute(self) -> Iterator[None]:
        """A plain generator, so synchronous execution (tests, `_service`) works too."""
        context = self.execution_context
        task = _current_task()
        if task is None or self.limits is None or context.operation_type is not OperationType.QUERY:
            yield
            return
        seconds = self.limits.deadline_seconds
        expired = False

        def expire() -> None:
            nonlocal expired
            expired = True
            task.cancel()

        timer = asyncio.get_running_loop().call_later(seconds, expire)
        try:
            yield
        except asyncio.CancelledError:
            if not expired:
                raise
            task.uncancel()
            raise GraphQLError(
                f"the query ran past its deadline of {seconds:g} s and was stopped",
                extensions={"code": DEADLINE_EXCEEDED, "limit": "deadline"},
            ) from None
        finally:
            timer.cancel()


def _refusal(message: str, field: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT", "field": field})


def _current_task() -> asyncio.Task[Any] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:  # no running loop: executed synchronously
        return None
