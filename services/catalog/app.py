"""The catalog's composition root: wires storage, the outbox relay, NATS and the schema."""

from __future__ import annotations

from starlette.applications import Starlette

from services.catalog import repository, storage
from services.catalog.context import CatalogContext, make_context
from services.catalog.schema import schema
from services.kernel.app import ServiceParts, create_asgi_app
from services.kernel.auth import Principal
from services.kernel.messaging import NatsLink
from services.kernel.mongo import Storage, disconnect, open_storage
from services.kernel.outbox import OutboxRelay
from services.kernel.publisher import JetStreamPublisher, Publish
from services.kernel.settings import Settings

NAME = "catalog"


class CatalogRuntime:
    """The catalog's connections, opened in the ASGI lifespan and closed on shutdown."""

    def __init__(
        self,
        settings: Settings,
        catalog: repository.Catalog | None = None,
        publish: Publish | None = None,
    ) -> None:
        self.settings = settings
        self.catalog = catalog
        self.publish = publish
        self.storage: Storage | None = None
        self.link: NatsLink | None = None
        self.relay: OutboxRelay | None = None

    def kick_relay(self) -> None:
        if self.relay:
            self.relay.kick()

    async def startup(self) -> None:
        if self.catalog is not None:
            return
        self.storage = open_storage(self.settings, NAME)
        await self.storage.run(storage.ensure_indexes)
        self.catalog = storage.mongo_catalog(self.storage, on_write=self.kick_relay)
        if self.publish is None:
            self.link = NatsLink(self.settings.nats_url, NAME)
            self.link.start()
            self.publish = JetStreamPublisher(self.link)
        self.relay = OutboxRelay(
            storage.outbox_collections(),
            self.publish,
            self.storage,
            poll_seconds=self.settings.outbox_poll_seconds,
        )
        self.relay.start()

    async def shutdown(self) -> None:
        if self.relay:
            await self.relay.stop()
        if self.link:
            await self.link.close()
        if self.storage:
            self.storage.close()
            disconnect(NAME)

    def context(self, principal: Principal) -> CatalogContext:
        assert self.catalog is not None, "the catalog is not started"
        return make_context(self.catalog, principal)

    async def storage_ready(self) -> None:
        if self.storage:
            await self.storage.ping()

    def gauges(self) -> dict[str, float]:
        relay = self.relay
        return {
            "outbox_published_total": relay.published_total if relay else 0,
            "outbox_publish_failures_total": relay.failures_total if relay else 0,
            "nats_connected": 1.0 if self.link and self.link.is_connected else 0.0,
        }


def create_app(
    settings: Settings,
    *,
    catalog: repository.Catalog | None = None,
    publish: Publish | None = None,
) -> Starlette:
    if not settings.jwt_secret:
        raise ValueError("SMARTCITY_JWT_SECRET is required")
    runtime = CatalogRuntime(settings, catalog, publish)
    app = create_asgi_app(
        ServiceParts(
            name=NAME,
            schema=schema,
            jwt_secret=settings.jwt_secret,
            make_context=runtime.context,
            startup=runtime.startup,
            shutdown=runtime.shutdown,
            readiness={"mongodb": runtime.storage_ready},
            gauges=runtime.gauges,
        )
    )
    app.state.runtime = runtime
    return app
