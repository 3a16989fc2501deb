"""A subgraph's /graphql over HTTP: who is calling, how much they may send, and a GraphQL
error with a code for every request it refuses."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from cross_web import HTTPException
from prometheus_client import Counter, Histogram
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry import Schema
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_SSE_PROTOCOL
from strawberry.types import ExecutionResult

from services.kernel import auth, errors, tracing
from services.kernel.dead_letters import DeadLetterDesk
from services.kernel.graphql import RequestContext, translate
from services.kernel.live import LiveChanges
from services.kernel.mongo import Tally, tallied
from services.kernel.operation_guard import SubgraphLimits

PRINCIPAL_KEY = "smartcity.principal"
MAX_REQUEST_BYTES = 4 * 1024 * 1024  # the gateway sends far less; a direct caller no more
BAD_REQUEST = "BAD_REQUEST"
SERVER_TIMING = "Server-Timing"


def refusal(status: int, message: str, code: str, **headers: str) -> Response:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status, headers=headers or None)


class SubgraphView(GraphQL[RequestContext, None]):
    """Strawberry's view, refusing with GraphQL errors rather than plain text."""

    def __init__(
        self,
        schema: Schema,
        make_context: Callable[[auth.Principal], RequestContext],
        limits: SubgraphLimits,
        undelivered: DeadLetterDesk,
        live: LiveChanges | None = None,
    ):
        super().__init__(
            schema,
            graphql_ide="graphiql",
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_SSE_PROTOCOL,),  # the gateway's, one a connection
        )
        self.make_context = make_context
        self.limits = limits
        self.undelivered = undelivered
        self.live = live

    async def get_context(self, request: Any, response: Any) -> RequestContext:
        context = self.make_context(request.scope.get(PRINCIPAL_KEY, auth.ANONYMOUS))
        context.limits = self.limits
        context.undelivered = self.undelivered
        context.live = self.live
        return context

    def decode_json(self, data: str | bytes) -> object:
        try:
            return json.loads(data)
        except json.JSONDecodeError:
            raise
        except ValueError as exc:  # not UTF-8, for one
            raise json.JSONDecodeError(str(exc), "", 0) from None
        except RecursionError:
            raise json.JSONDecodeError("the JSON nests too deeply", "", 0) from None

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        """A document that could not be read or run gets its errors as the caller's mistake;
        a subscription's events, which no schema extension sees, get their codes here."""
        if result.errors:
            result.errors = [translate(error) for error in result.errors]
        answer = await super().process_result(request, result)
        for error in answer.get("errors") or ():
            extensions: dict[str, Any] = error.setdefault("extensions", {})  # type: ignore[attr-defined]
            extensions.setdefault("code", "BAD_USER_INPUT")
        return answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        started = time.perf_counter()
        request = Request(scope=scope, receive=receive)
        parent = tracing.from_carrier(request.headers)
        with (
            tracing.span("graphql subgraph", kind=tracing.SpanKind.SERVER, parent=parent),
            tallied() as storage,
        ):
            try:
                response = await self.run(request)
            except HTTPException as refused:
                response = refusal(refused.status_code, refused.reason, BAD_REQUEST)
            except RecursionError:  # a document nested deeper than the parser can follow
                response = refusal(400, "the request nests too deeply", BAD_REQUEST)
        response.headers[SERVER_TIMING] = server_timing(time.perf_counter() - started, storage)
        await response(scope, receive, send)


def server_timing(seconds: float, storage: Tally) -> str:
    """Where a request's time went, as the standard `Server-Timing` header states it: the
    whole answer, and the storage round trips within it."""
    return (
        f"graphql;dur={seconds * 1000:.2f}, "
        f'storage;dur={storage.seconds * 1000:.2f};desc="{storage.round_trips} round trips"'
    )


class _TooLarge(Exception):
    pass


class Guarded:
    """Before GraphQL runs: the caller is verified (a bad token, or a request that neither
    carries a token nor came through the gateway, is refused) and the body is bounded."""

    def __init__(
        self,
        app: ASGIApp,
        secret: str,
        token_max_seconds: int,
        requests: Counter,
        seconds: Histogram,
        *,
        graphiql: bool = True,
    ) -> None:
        self.app = app
        self.graphiql = graphiql  # a GET without a query is the GraphiQL page
        self.secret = secret
        self.token_max_seconds = token_max_seconds
        self.requests = requests
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        status = {"code": 500}

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            try:
                principal = self._caller(scope)
                body = await self._body(scope, receive)
            except errors.Unauthenticated as exc:
                www = {"WWW-Authenticate": "Bearer"}
                await refusal(401, exc.message, exc.code, **www)(scope, receive, recording_send)
                return
            except _TooLarge:
                too_large = refusal(413, f"send at most {MAX_REQUEST_BYTES} bytes", BAD_REQUEST)
                await too_large(scope, receive, recording_send)
                return

            replayed = False

            async def replay() -> Message:
                """The body once, then what the server says next (the client's going)."""
                nonlocal replayed
                if replayed:
                    return await receive()
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}

            await self.app({**scope, PRINCIPAL_KEY: principal}, replay, recording_send)
        finally:
            self.requests.labels(str(status["code"])).inc()
            self.seconds.observe(time.perf_counter() - started)

    async def _body(self, scope: Scope, receive: Receive) -> bytes:
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > MAX_REQUEST_BYTES:
            raise _TooLarge
        body = b""
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return body
            body += message.get("body", b"")
            if len(body) > MAX_REQUEST_BYTES:
                raise _TooLarge
            if not message.get("more_body"):
                return body

    def _caller(self, scope: Scope) -> auth.Principal:
        headers = Headers(scope=scope)
        if self.graphiql and scope["method"] == "GET" and not scope.get("query_string"):
            return auth.ANONYMOUS  # the GraphiQL page itself, which runs nothing
        return auth.caller_of_subgraph(
            headers.get("authorization"),
            headers.get(auth.GATEWAY_HEADER),
            self.secret,
            self.token_max_seconds,
        )
