"""The ASGI app every service serves: /graphql, /healthz, /readyz and /metrics, with lifespan."""

from __future__ import annotations

import contextlib
import hmac
import ipaddress
import logging
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
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from strawberry import Schema

from services.kernel import auth
from services.kernel.dead_letters import DeadLetterDesk
from services.kernel.downloads import Download, DownloadEndpoint
from services.kernel.graphql import RequestContext
from services.kernel.live import LiveChanges
from services.kernel.operation_guard import SubgraphLimits
from services.kernel.subgraph_http import Guarded, SubgraphView

log = logging.getLogger(__name__)

Check = Callable[[], Awaitable[None]]
Readiness = Callable[[], Awaitable[tuple[bool, dict[str, Any]]]]  # ready, and the report
Hook = Callable[[], Awaitable[None]]


@dataclass
class ServiceParts:
    """What a service hands the factory; its own `create_app` assembles these."""

    name: str
    schema: Schema
    jwt_secret: str
    token_max_seconds: int
    make_context: Callable[[auth.Principal], RequestContext]
    startup: Hook
    shutdown: Hook
    limits: SubgraphLimits
    undelivered: DeadLetterDesk
    readiness: dict[str, Check] = field(default_factory=dict)
    gauges: Callable[[], dict[str, float]] = dict
    downloads: tuple[Download, ...] = ()
    metrics_token: str | None = None
    live: LiveChanges | None = None


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


def request_metrics(registry: CollectorRegistry) -> tuple[Counter, Histogram]:
    """The count of GraphQL HTTP requests by status, and their time: the same in every
    service and the gateway, so one dashboard reads them all."""
    requests = Counter(
        "smartcity_graphql_requests", "GraphQL HTTP requests", ["status"], registry=registry
    )
    seconds = Histogram(
        "smartcity_graphql_request_seconds", "GraphQL HTTP request time", registry=registry
    )
    return requests, seconds


def operational_routes(
    service: str,
    registry: CollectorRegistry,
    readiness: Readiness,
    metrics_token: str | None = None,
) -> list[Route]:
    """/healthz (the process answers), /readyz (it can serve: 200, or 503 with the report)
    and /metrics (the registry, in Prometheus' text format) for the operator only: with
    `metrics_token` set, to whoever sends it as a bearer; otherwise to this machine only."""

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "alive", "service": service})

    async def readyz(_: Request) -> Response:
        ready, report = await readiness()
        body = {"status": "ready" if ready else "not ready", **report}
        return JSONResponse(body, status_code=200 if ready else 503)

    async def metrics(request: Request) -> Response:
        if not operator(request, metrics_token):
            return JSONResponse({"errors": [{"message": "the metrics are the operator's",
                                             "extensions": {"code": "FORBIDDEN"}}]},
                                status_code=403)  # fmt: skip
        return PlainTextResponse(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return [Route("/healthz", healthz), Route("/readyz", readyz), Route("/metrics", metrics)]


PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")  # a caller behind a proxy


def operator(request: Request, metrics_token: str | None) -> bool:
    """Whether the caller may read the metrics."""
    if metrics_token:
        given = request.headers.get("authorization", "").removeprefix("Bearer ")
        return hmac.compare_digest(given.encode(), metrics_token.encode())
    host = request.client.host if request.client else ""
    proxied = any(name in request.headers for name in PROXY_HEADERS)
    return _loopback(host) and not proxied


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def create_asgi_app(parts: ServiceParts) -> Starlette:
    registry = CollectorRegistry()
    requests, seconds = request_metrics(registry)
    registry.register(GaugeCollector(parts.name, parts.gauges))
    view = SubgraphView(
        parts.schema, parts.make_context, parts.limits, parts.undelivered, parts.live
    )
    graphql = Guarded(view, parts.jwt_secret, parts.token_max_seconds, requests, seconds)

    async def readiness() -> tuple[bool, dict[str, Any]]:
        report: dict[str, str] = {}
        for name, check in parts.readiness.items():
            try:
                await check()
                report[name] = "ok"
            except Exception as exc:
                report[name] = f"unavailable: {exc}"
        return all(state == "ok" for state in report.values()), {"checks": report}

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await parts.startup()
        log.info("%s: started", parts.name)
        try:
            yield
        finally:
            await parts.shutdown()
            log.info("%s: stopped", parts.name)

    def guarded(download: Download) -> Guarded:
        endpoint = DownloadEndpoint(download)
        return Guarded(
            endpoint, parts.jwt_secret, parts.token_max_seconds, requests, seconds, graphiql=False
        )

    async def end_subscriptions() -> None:
        if parts.live is not None:
            parts.live.close()

    downloads = [Route(d.path, guarded(d), methods=["GET"]) for d in parts.downloads]
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            *downloads,
            *operational_routes(parts.name, registry, readiness, parts.metrics_token),
        ],
        lifespan=lifespan,
    )
    app.state.before_shutdown = [end_subscriptions]  # streams end before the server waits
    return app
