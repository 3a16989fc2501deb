"""A service's connections (storage, NATS, outbox relay, consumers), opened in the lifespan."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from mongoengine import Document
from nats.aio.client import Client
from starlette.applications import Starlette
from strawberry import Schema

from services.kernel import auth
from services.kernel.app import ServiceParts, create_asgi_app
from services.kernel.auth import Principal
from services.kernel.consumer import DurableConsumer
from services.kernel.dead_letters import DeadLetter, Replayed
from services.kernel.docstore import collections_of, ensure_indexes
from services.kernel.downloads import Download
from services.kernel.graphql import RequestContext
from services.kernel.live import LiveChanges, Unavailable
from services.kernel.messaging import NatsLink
from services.kernel.mongo import Storage, disconnect, open_storage
from services.kernel.operation_guard import SubgraphLimits
from services.kernel.outbox import OutboxRelay, Written
from services.kernel.publisher import JetStreamPublisher, Publish
from services.kernel.query_limits import edge_limits
from services.kernel.settings import Settings

R = TypeVar("R")


@dataclass(frozen=True)
class Wiring(Generic[R]):
    """How one service's storage is built; the runtime does the rest."""

    name: str
    documents: tuple[type[Document], ...]
    repositories: Callable[[Storage, Callable[[Written], None]], R]
    consumers: Callable[[R, NatsLink, Storage], list[DurableConsumer]] = field(
        default=lambda *_: []
    )
    on_started: Callable[[R], Awaitable[object]] | None = None
    on_stopping: Callable[[R], Awaitable[object]] | None = None
    gauges: Callable[[], dict[str, float]] = dict  # the service's own, shown at /metrics
    # returns once the service's background work is done (scoring's rescoring), for those
    # that run it in process and wait for it (tests/in_process.py)
    idle: Callable[[], Awaitable[object]] | None = None


class ServiceRuntime(Generic[R]):
    def __init__(
        self,
        settings: Settings,
        wiring: Wiring[R],
        repositories: R | None = None,
        publish: Publish | None = None,
    ) -> None:
        self.settings = settings
        self.wiring = wiring
        self._repositories = repositories
        self.publish = publish
        self.storage: Storage | None = None
        self.link: NatsLink | None = None
        self.relay: OutboxRelay | None = None
        self.consumers: list[DurableConsumer] = []
        self.live = LiveChanges(self._nats_client)

    async def _nats_client(self) -> Client:
        if self.link is None:
            raise Unavailable(f"{self.wiring.name} is not started")
        return await self.link.client()

    @property
    def repositories(self) -> R:
        if self._repositories is None:
            raise RuntimeError(f"{self.wiring.name} is not started")
        return self._repositories

    def written(self, written: Written) -> None:
        if self.relay:
            self.relay.notify(written)

    async def startup(self) -> None:
        if self._repositories is not None:
            return
        name = self.wiring.name
        self.storage = open_storage(self.settings, name)
        await self.storage.run(ensure_indexes, self.wiring.documents)
        self._repositories = self.wiring.repositories(self.storage, self.written)
        self.link = NatsLink(
            self.settings.nats_url, name, stream_replicas=self.settings.stream_replicas,
            redelivery_seconds=self.settings.redelivery_seconds,
        )  # fmt: skip
        self.link.start()
        if self.publish is None:
            self.publish = JetStreamPublisher(self.link)
        in_memory = self.settings.mongo_is_in_memory
        self.relay = OutboxRelay(
            collections_of(self.wiring.documents),
            self.publish,
            self.storage,
            # the in-process store has no other writer whose leftovers need a periodic sweep
            sweep_seconds=None if in_memory else self.settings.outbox_sweep_seconds,
            retry_seconds=self.settings.outbox_sweep_seconds,
        )
        await self.storage.run(self.relay.dead_letters.ensure_indexes)
        await self.relay.count_dead_letters()
        if self.wiring.on_started:
            await self.wiring.on_started(self._repositories)
        self.relay.start()
        self.consumers = self.wiring.consumers(self._repositories, self.link, self.storage)
        for consumer in self.consumers:
            # what an in-process store had applied died with the last process: read it all again
            consumer.start(from_the_beginning=in_memory)

    async def shutdown(self) -> None:
        for consumer in self.consumers:
            await consumer.stop()
        if self.wiring.on_stopping and self._repositories is not None:
            await self.wiring.on_stopping(self._repositories)
        if self.relay:
            await self.relay.stop()
        if self.link:
            await self.link.close()
        if self.storage:
            self.storage.close()
            disconnect(self.wiring.name)

    async def latest(self) -> list[DeadLetter]:
        """The latest events parked as undeliverable, newest first."""
        if self.storage is None or self.relay is None:
            return []
        return await self.storage.run(self.relay.dead_letters.latest)

    async def replay(self, event_ids: list[str] | None) -> Replayed:
        """Parked events sent again: those named, or every one (oldest first) for None."""
        if self.relay is None:
            return Replayed(unknown=list(event_ids or ()))
        return await self.relay.replay(event_ids)

    async def storage_ready(self) -> None:
        if self.storage:
            await self.storage.ping()

    def gauges(self) -> dict[str, float]:
        relay = self.relay
        return {
            "outbox_published_total": relay.published_total if relay else 0,
            "outbox_publish_failures_total": relay.failures_total if relay else 0,
            "outbox_dead_letters_total": relay.parked_total if relay else 0,
            "outbox_dead_letters_waiting": relay.dead_letters_waiting if relay else 0,
            "nats_connected": 1.0 if self.link and self.link.is_connected else 0.0,
            "events_applied_total": sum(c.applied_total for c in self.consumers),
            "events_skipped_as_duplicates_total": sum(c.skipped_total for c in self.consumers),
            "events_malformed_total": sum(c.malformed_total for c in self.consumers),
        } | self.wiring.gauges()


def subgraph_limits(settings: Settings) -> SubgraphLimits:
    """Twice the gateway's: what the gateway forwards always fits."""
    return SubgraphLimits(edge_limits(settings).scaled(2), settings.request_deadline_seconds)


def serve(
    runtime: ServiceRuntime[R],
    schema: Schema,
    make_context: Callable[[Principal], RequestContext],
    downloads: tuple[Download, ...] = (),
) -> Starlette:
    """The service's ASGI app, with the runtime's connections opened in its lifespan."""
    secret = auth.signing_secret(runtime.settings.jwt_secret, runtime.wiring.name)
    app = create_asgi_app(
        ServiceParts(
            name=runtime.wiring.name,
            schema=schema,
            jwt_secret=secret,
            token_max_seconds=runtime.settings.token_max_seconds,
            make_context=make_context,
            startup=runtime.startup,
            shutdown=runtime.shutdown,
            limits=subgraph_limits(runtime.settings),
            undelivered=runtime,
            readiness={"mongodb": runtime.storage_ready},
            gauges=runtime.gauges,
            downloads=downloads,
            metrics_token=runtime.settings.metrics_token,
            live=runtime.live,
        )
    )
    app.state.runtime = runtime
    return app
