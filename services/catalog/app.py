"""The catalog's composition root: wires storage, the outbox relay, NATS and the schema."""

from __future__ import annotations

from starlette.applications import Starlette

from services.catalog import repository, storage
from services.catalog.context import CatalogContext, make_context
from services.catalog.schema import schema
from services.kernel.app import ServiceParts, create_asgi_app
from services.kernel.auth import Principal
from services.kernel.publisher import Publish
from services.kernel.runtime import ServiceRuntime, Wiring
from services.kernel.settings import Settings

NAME = "catalog"
WIRING = Wiring(
    name=NAME,
    ensure_indexes=storage.ensure_indexes,
    repositories=storage.mongo_catalog,
    outbox_collections=storage.outbox_collections,
)


def create_app(
    settings: Settings,
    *,
    catalog: repository.Catalog | None = None,
    publish: Publish | None = None,
) -> Starlette:
    if not settings.jwt_secret:
        raise ValueError("SMARTCITY_JWT_SECRET is required")
    runtime = ServiceRuntime(settings, WIRING, catalog, publish)

    def context(principal: Principal) -> CatalogContext:
        return make_context(runtime.repositories, principal)

    app = create_asgi_app(
        ServiceParts(
            name=NAME,
            schema=schema,
            jwt_secret=settings.jwt_secret,
            make_context=context,
            startup=runtime.startup,
            shutdown=runtime.shutdown,
            readiness={"mongodb": runtime.storage_ready},
            gauges=runtime.gauges,
        )
    )
    app.state.runtime = runtime
    return app
