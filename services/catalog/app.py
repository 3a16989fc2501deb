"""The catalog's composition root: wires storage, the outbox relay, NATS and the schema."""

from __future__ import annotations

from starlette.applications import Starlette

from services.catalog import repository, storage
from services.catalog.context import CatalogContext, make_context
from services.catalog.schema import schema
from services.kernel.auth import Principal
from services.kernel.publisher import Publish
from services.kernel.runtime import ServiceRuntime, Wiring, serve
from services.kernel.settings import Settings

NAME = "catalog"
WIRING = Wiring(
    name=NAME,
    documents=storage.DOCUMENTS,
    repositories=storage.mongo_catalog,
)


def create_app(
    settings: Settings,
    *,
    catalog: repository.Catalog | None = None,
    publish: Publish | None = None,
) -> Starlette:
    runtime = ServiceRuntime(settings, WIRING, catalog, publish)

    def context(principal: Principal) -> CatalogContext:
        return make_context(runtime.repositories, principal)

    return serve(runtime, schema, context)
