"""The survey's composition root: storage, shipped instruments, catalog facts, the schema."""

from __future__ import annotations

import datetime as dt

from starlette.applications import Starlette

from services.kernel import auth
from services.kernel.app import ServiceParts, create_asgi_app
from services.kernel.consumer import DurableConsumer, ProcessedEvents
from services.kernel.messaging import NatsLink
from services.kernel.mongo import Storage
from services.kernel.publisher import Publish
from services.kernel.runtime import ServiceRuntime, Wiring
from services.kernel.settings import Settings
from services.survey import storage
from services.survey.context import SurveyContext, make_context
from services.survey.handlers.campaigns import RESPONDENT_TOKEN_LIFETIME, MintRespondentToken
from services.survey.handlers.instruments import install_builtin
from services.survey.repository import Survey
from services.survey.schema import schema

NAME = "survey"
CATALOG_FACTS = ["smartcity.catalog.region.>", "smartcity.catalog.cycle.>"]


def _consumers(survey: Survey, link: NatsLink, store: Storage) -> list[DurableConsumer]:
    processed = ProcessedEvents(store.db["processed_events"], store)
    return [
        DurableConsumer(link, "survey-catalog-facts", CATALOG_FACTS, survey.facts.apply, processed)
    ]


WIRING = Wiring(
    name=NAME,
    ensure_indexes=storage.ensure_indexes,
    repositories=storage.mongo_survey,
    outbox_collections=storage.outbox_collections,
    consumers=_consumers,
    on_started=install_builtin,
)


def respondent_minter(secret: str) -> MintRespondentToken:
    lifetime = int(RESPONDENT_TOKEN_LIFETIME / dt.timedelta(seconds=1))

    def mint(campaign_id: str, sub_dimension: str | None, token_id: str) -> str:
        return auth.mint(
            secret,
            auth.Role.RESPONDENT,
            subject=token_id,
            campaign=campaign_id,
            sub_dimension=sub_dimension,
            ttl_seconds=lifetime,
        )

    return mint


def create_app(
    settings: Settings,
    *,
    survey: Survey | None = None,
    publish: Publish | None = None,
) -> Starlette:
    if not settings.jwt_secret:
        raise ValueError("SMARTCITY_JWT_SECRET is required")
    runtime = ServiceRuntime(settings, WIRING, survey, publish)
    mint = respondent_minter(settings.jwt_secret)
    secret = settings.jwt_secret

    def verify(token: str) -> auth.Principal:
        return auth.verify(token, secret)

    def context(principal: auth.Principal) -> SurveyContext:
        return make_context(runtime.repositories, mint, verify, principal)

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
