"""The ASGI app every service serves: /graphql, /healthz, /readyz and /metrics, with lifespan."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry import Schema
from strawberry.asgi import GraphQL

from services.kernel import auth, errors
from services.kernel.graphql import RequestContext

log = logging.getLogger(__name__)

PRINCIPAL_KEY = "smartcity.principal"

Check = Callable[[], Awaitable[None]]
Hook = Callable[[], Awaitable[None]]


@dataclass
class ServiceParts:
    """What a service hands the factory; its own `create_app` assembles these."""

    name: str
    schema: Schema
    jwt_secret: str
    make_context: Callable[[auth.Principal], RequestContext]
    startup: Hook
    shutdown: Hook
    readiness: dict[str, Check] = field(default_factory=dict)
    gauges: Callable[[], dict[str, float]] = dict


class GaugeCollector(Collector):
    """Gauges `smartcity_<name>{service=...}` read from a callable at each scrape."""

    def __init__(self, service: str, gauges: Callable[[], dict[str, float]]) -> None:
        self.service = service
        self.gauges = gauges

    def collect(self) -> Iterator[GaugeMetricFamily]:
        for name, value in self.gauges().items():
            family = GaugeMetricFamily(
                f"smartcity_{name}", name.replace("_", " "), labels=["service"]
            )
            family.add_metric([self.service], value)
            yield family


class _SubgraphView(GraphQL[RequestContext, None]):
    def __init__(self, schema: Schema, make_context: Callable[[auth.Principal], RequestContext]):
        super().__init__(schema, graphql_ide="graphiql", allow_queries_via_get=True)
        self.make_context = make_context

    async def get_context(self, request: Any, response: Any) -> RequestContext:
        return self.make_context(request.scope.get(PRINCIPAL_KEY, auth.ANONYMOUS))


class _Authenticated:
    """Verifies the caller before GraphQL runs: a bad token, or a request that neither
    carries a token nor came through the gateway, is refused outright."""

    def __init__(self, app: ASGIApp, secret: str, requests: Counter, seconds: Histogram) -> None:
        self.app = app
        self.secret = secret
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
            except errors.Unauthenticated as exc:
                body = {"errors": [{"message": exc.message, "extensions": {"code": exc.code}}]}
                response = JSONResponse(
                    body, status_code=401, headers={"WWW-Authenticate": "Bearer"}
                )
                await response(scope, receive, recording_send)
                return
            await self.app({**scope, PRINCIPAL_KEY: principal}, receive, recording_send)
        finally:
            self.requests.labels(str(status["code"])).inc()
            self.seconds.observe(time.perf_counter() - started)

    def _caller(self, scope: Scope) -> auth.Principal:
        headers = Headers(scope=scope)
        if scope["method"] == "GET" and not scope.get("query_string"):
            return auth.ANONYMOUS  # the GraphiQL page itself, which runs nothing
        return auth.caller_of_subgraph(
            headers.get("authorization"), headers.get(auth.GATEWAY_HEADER), self.secret
        )


def create_asgi_app(parts: ServiceParts) -> Starlette:
    registry = CollectorRegistry()
    requests = Counter(
        "smartcity_graphql_requests", "GraphQL HTTP requests", ["status"], registry=registry
    )
    seconds = Histogram(
        "smartcity_graphql_request_seconds", "GraphQL HTTP request time", registry=registry
    )
    registry.register(GaugeCollector(parts.name, parts.gauges))
    view = _SubgraphView(parts.schema, parts.make_context)
    graphql = _Authenticated(view, parts.jwt_secret, requests, seconds)

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "alive", "service": parts.name})

    async def readyz(_: Request) -> Response:
        report: dict[str, str] = {}
        for name, check in parts.readiness.items():
            try:
                await check()
                report[name] = "ok"
            except Exception as exc:
                report[name] = f"unavailable: {exc}"
        ready = all(state == "ok" for state in report.values())
        body = {"status": "ready" if ready else "not ready", "checks": report}
        return JSONResponse(body, status_code=200 if ready else 503)

    async def metrics(_: Request) -> Response:
        return PlainTextResponse(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await parts.startup()
        log.info("%s: started", parts.name)
        try:
            yield
        finally:
            await parts.shutdown()
            log.info("%s: stopped", parts.name)

    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
        ],
        lifespan=lifespan,
    )
