"""The gateway's composition root: `create_app(settings)`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from services.gateway import admin
from services.gateway.edge import documents, static_files
from services.gateway.edge.event_streams import EventStreams
from services.gateway.edge.http import EdgeMetrics, GraphQLEndpoint
from services.gateway.edge.limits import Limits
from services.gateway.edge.websocket import TransportWs
from services.gateway.execution.credential import GatewayCredential
from services.gateway.execution.subgraphs import SubgraphClients, SubgraphEndpoint, Transport
from services.gateway.live.feeds import Feeds, SubscriptionLimits
from services.gateway.supergraph_keeper import CompositionFailed, SupergraphKeeper
from services.kernel import auth
from services.kernel.app import GaugeCollector, operational_routes, request_metrics
from services.kernel.settings import Settings

log = logging.getLogger(__name__)


class StartupRefused(Exception):
    """The gateway will not serve: its settings are wrong, or the subgraphs' schemas conflict."""


def subgraph_urls(settings: Settings) -> dict[str, str]:
    """The suite's three, or any others named in SMARTCITY_SUBGRAPHS (`name=url,...`)."""
    if settings.subgraphs:
        named = (item.partition("=") for item in settings.subgraphs.split(",") if item.strip())
        return {name.strip(): url.strip() for name, _, url in named}
    return {
        "catalog": settings.catalog_url,
        "survey": settings.survey_url,
        "scoring": settings.scoring_url,
    }


def _gauges(keeper: SupergraphKeeper, clients: SubgraphClients, feeds: Feeds) -> dict[str, float]:
    engine = keeper.engine
    return feeds.gauges() | {
        "gateway_subgraph_requests_shared": float(clients.in_flight.shared_total),
        "gateway_supergraph_composed": 1.0 if engine else 0.0,
        "gateway_composition_attempts": float(keeper.state.attempts),
        "gateway_plan_cache_hits": float(engine.plans.hits if engine else 0),
        "gateway_plan_cache_misses": float(engine.plans.misses if engine else 0),
        "gateway_plan_cache_entries": float(len(engine.plans) if engine else 0),
        "gateway_plan_cache_bytes": float(engine.plans.bytes if engine else 0),
        "gateway_document_cache_bytes": float(engine.documents.bytes if engine else 0),
    }


def create_app(
    settings: Settings,
    *,
    subgraphs: Mapping[str, str] | None = None,
    limits: Limits | None = None,
    transport: Transport | None = None,
) -> Starlette:
    """The gateway over `subgraphs` (name -> /graphql URL; the settings' three by default)."""
    limits = limits or Limits.from_settings(settings)
    endpoints = {
        name: SubgraphEndpoint(name, url, settings.subgraph_timeout_seconds)
        for name, url in (subgraphs if subgraphs is not None else subgraph_urls(settings)).items()
    }
    secret = settings.jwt_secret or ""
    clients = SubgraphClients(endpoints, GatewayCredential(secret), transport)
    supergraph_file = Path(settings.supergraph) if settings.supergraph else None
    keeper = SupergraphKeeper(clients, limits, supergraph_file)
    clients.serve_locally(admin.NAME, admin.local_subgraph(keeper))

    registry = CollectorRegistry()
    requests, seconds = request_metrics(registry)
    metrics = EdgeMetrics(
        requests=requests,
        seconds=seconds,
        subgraph_requests=Counter(
            "smartcity_gateway_subgraph_requests",
            "requests to subgraphs",
            ["subgraph"],
            registry=registry,
        ),
    )
    feeds = Feeds(
        SubscriptionLimits(
            per_client=settings.subscriptions_per_client, total=settings.max_subscriptions
        )
    )
    registry.register(GaugeCollector("gateway", lambda: _gauges(keeper, clients, feeds)))
    endpoint = GraphQLEndpoint(
        keeper, secret, limits, metrics, settings.token_max_seconds, EventStreams(feeds)
    )
    sockets = TransportWs(keeper, feeds, endpoint.principal)

    async def graphql(request: Request) -> Response:
        return await endpoint(request)

    async def graphql_over_websocket(socket: WebSocket) -> None:
        await sockets(socket)

    async def readiness() -> tuple[bool, dict[str, Any]]:
        report = {"supergraph": keeper.state.digest, "lastError": keeper.state.last_error}
        return keeper.engine is not None, report

    async def recompose_quietly() -> None:
        with contextlib.suppress(CompositionFailed):
            await keeper.recompose()

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        try:
            auth.signing_secret(settings.jwt_secret, "gateway")
        except auth.UnusableSecret as unusable:
            await clients.close()
            raise StartupRefused(str(unusable)) from None
        for variable, seconds in (
            ("SMARTCITY_RECOMPOSE_SECONDS", settings.recompose_seconds),
            ("SMARTCITY_SUBGRAPH_TIMEOUT_SECONDS", settings.subgraph_timeout_seconds),
        ):
            if seconds <= 0:
                await clients.close()
                raise StartupRefused(f"gateway: {variable} must be positive, not {seconds:g}")
        try:
            await keeper.recompose()
        except CompositionFailed as exc:
            if exc.conflict:
                await clients.close()
                raise StartupRefused(f"gateway: refusing to start: {exc}") from None
            log.warning("gateway: not ready yet, will keep trying: %s", exc)
        timer = asyncio.create_task(keeper.keep_composing(settings.recompose_seconds))
        loop = asyncio.get_running_loop()
        with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
            loop.add_signal_handler(
                signal.SIGHUP, lambda: asyncio.ensure_future(recompose_quietly())
            )
        try:
            yield
        finally:
            with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
                loop.remove_signal_handler(signal.SIGHUP)
            timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await timer
            await feeds.close()
            await clients.close()

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql_over_websocket),
            *operational_routes("gateway", registry, readiness, settings.metrics_token),
            *static_files.routes(),
            *documents.routes(clients),
        ],
        lifespan=lifespan,
    )
    app.state.feeds = feeds
    app.state.before_shutdown = [feeds.close]  # streams end before the server waits on them
    return app
