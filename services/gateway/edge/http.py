"""GraphQL over HTTP at the gateway's edge: GET and POST, both response media types,
persisted queries, bearer tokens, tracing headers and the request size limit."""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.requests import Request
from starlette.responses import Response

from services.gateway.edge import static_files
from services.gateway.edge.apq import PersistedQueries
from services.gateway.edge.event_streams import EventStreams, wants_event_stream
from services.gateway.edge.limits import Limits
from services.gateway.engine import RequestError
from services.gateway.supergraph_keeper import SupergraphKeeper
from services.kernel import auth, errors, tracing
from services.kernel.auth import Principal, Role
from services.kernel.lru import LruCache

log = logging.getLogger(__name__)

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
FORWARDED = ("authorization", "traceparent", "tracestate", "baggage", "x-request-id")
PLAN_HEADER = "x-query-plan"
PRINCIPAL_BYTES = 1_000  # a verified token's principal, beside the token itself


@dataclass
class EdgeMetrics:
    requests: Counter
    seconds: Histogram
    subgraph_requests: Counter


def _error(message: str, code: str, **extensions: Any) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": code, **extensions}}


def _error_body(message: str, code: str, **extensions: Any) -> dict[str, Any]:
    return {"errors": [_error(message, code, **extensions)]}


def _tracing(request: Request) -> dict[str, str]:
    headers = {name: request.headers[name] for name in FORWARDED if name in request.headers}
    headers.setdefault("x-request-id", secrets.token_hex(16))
    headers.setdefault("traceparent", f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01")
    return headers


class GraphQLEndpoint:
    def __init__(
        self,
        keeper: SupergraphKeeper,
        secret: str,
        limits: Limits,
        metrics: EdgeMetrics,
        token_max_seconds: int,
        streams: EventStreams | None = None,
    ) -> None:
        self.streams = streams
        self.keeper = keeper
        self.secret = secret
        self.token_max_seconds = token_max_seconds
        self.limits = limits
        self.metrics = metrics
        self.persisted = PersistedQueries(limits.cache_bytes)
        self.principals: LruCache[str, Principal] = LruCache(
            limits.cache_bytes, lambda header, _: len(header) + PRINCIPAL_BYTES
        )

    async def __call__(self, request: Request) -> Response:
        started = time.perf_counter()
        parent = tracing.from_carrier(request.headers)
        with tracing.span("graphql request", kind=tracing.SpanKind.SERVER, parent=parent):
            response = await self._respond(request)
        self.metrics.requests.labels(str(response.status_code)).inc()
        self.metrics.seconds.observe(time.perf_counter() - started)
        return response

    async def _respond(self, request: Request) -> Response:
        accept = request.headers.get("accept", "")
        # a refused event stream is answered as the modern media type is: with its status
        modern = GRAPHQL_RESPONSE in accept or wants_event_stream(accept)
        media = GRAPHQL_RESPONSE if modern else JSON
        forwarded = _tracing(request)
        trace = {"x-request-id": forwarded["x-request-id"], "traceparent": forwarded["traceparent"]}

        def reply(body: dict[str, Any], status: int = 200) -> Response:
            content = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
            return Response(content, status, headers=trace, media_type=media)

        if (
            request.method == "GET"
            and "query" not in request.query_params
            and ("text/html" in request.headers.get("accept", ""))
        ):
            return static_files.graphiql_page()
        try:
            principal = self.principal(request.headers.get("authorization"))
        except errors.Unauthenticated as exc:
            body = _error_body(exc.message, exc.code)
            response = reply(body, 401)
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
        try:
            params = await self._params(request)
        except RequestError as exc:
            return reply({"errors": exc.errors}, exc.status)
        engine = self.keeper.engine
        if engine is None:
            return reply(
                _error_body("the supergraph is not composed yet", "SUPERGRAPH_UNAVAILABLE"), 503
            )
        try:
            query = self.persisted.resolve(params.get("query"), params.get("extensions"))
            if not isinstance(query, str):
                raise RequestError([_error("a query is required", "BAD_USER_INPUT", field="query")])
            if self.streams and wants_event_stream(accept):
                return await self.streams.respond(
                    engine,
                    query,
                    params.get("operationName"),
                    params.get("variables") or {},
                    forwarded,
                    principal,
                    _client(request, principal),
                    trace,
                    reads_only=request.method == "GET",
                )
            answer = await engine.answer(
                query,
                params.get("operationName"),
                params.get("variables") or {},
                forwarded,
                principal,
                queries_only=request.method == "GET",
            )
        except RequestError as exc:
            status = exc.status if (media == GRAPHQL_RESPONSE or exc.status != 400) else 200
            return reply({"errors": exc.errors}, status)
        except Exception:
            log.exception("gateway: request failed")
            return reply(_error_body("Internal server error", "INTERNAL_SERVER_ERROR"), 500)
        for subgraph, count in answer.requests.items():
            self.metrics.subgraph_requests.labels(subgraph).inc(count)
        body = answer.body
        if _wants_plan(request, principal):
            body["extensions"] = {
                "queryPlan": answer.plan.describe(),
                "subgraphRequests": answer.requests,
            }
        return reply(body)

    def principal(self, header: str | None) -> Principal:
        """Verified once per token: later requests with it only check its expiry."""
        known = self.principals.get(header) if header else None
        if known is not None and known.expires_at and known.expires_at > time.time():
            return known
        principal = auth.principal_from_header(header, self.secret, self.token_max_seconds)
        if header and not principal.is_anonymous:
            self.principals.put(header, principal)
        return principal

    async def _params(self, request: Request) -> Mapping[str, Any]:
        if request.method == "GET":
            params: dict[str, Any] = dict(request.query_params)
            for name in ("variables", "extensions"):
                if name in params:
                    params[name] = _json(params[name], name)
        else:
            content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type != JSON:
                raise RequestError(
                    [
                        _error(
                            f"send the request as {JSON}, not {content_type or 'nothing'}",
                            "BAD_REQUEST",
                        )
                    ],
                    415,
                )
            declared = request.headers.get("content-length")
            if (
                declared
                and declared.isascii()
                and declared.isdigit()
                and int(declared) > self.limits.max_request_bytes
            ):
                raise _too_large(self.limits)
            body = b""
            async for chunk in request.stream():
                body += chunk
                if len(body) > self.limits.max_request_bytes:
                    raise _too_large(self.limits)
            params = _json(body, "body")
        if not isinstance(params, dict):
            raise RequestError([_error("the request must be a JSON object", "BAD_REQUEST")])
        for name, kind in (
            ("query", str),
            ("operationName", str),
            ("variables", dict),
            ("extensions", dict),
        ):
            if params.get(name) is not None and not isinstance(params[name], kind):
                raise RequestError(
                    [
                        _error(
                            f"{name} must be a {'string' if kind is str else 'JSON object'}",
                            "BAD_REQUEST",
                            field=name,
                        )
                    ]
                )
        return params


def _json(text: str | bytes, field: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise RequestError(
            [_error(f"{field} is not valid JSON: {exc}", "BAD_REQUEST", field=field)]
        ) from None
    except RecursionError:
        raise RequestError(
            [_error(f"{field} nests too deeply", "BAD_REQUEST", field=field)]
        ) from None


def _too_large(limits: Limits) -> RequestError:
    message = f"the request is larger than {limits.max_request_bytes} bytes"
    return RequestError([_error(message, "BAD_REQUEST", limit="requestBytes")], 413)


def _client(request: Request, principal: Principal) -> str:
    """Who holds a subscription, for its per-client bound: the token's subject, else the
    address it came from."""
    if not principal.is_anonymous:
        return f"subject:{principal.subject}"
    return f"address:{request.client.host if request.client else ''}"


def _wants_plan(request: Request, principal: Principal) -> bool:
    return (
        request.headers.get(PLAN_HEADER, "").lower() in ("1", "true")
        and principal.role is Role.ADMIN
    )
