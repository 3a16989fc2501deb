"""The survey's composition root: storage, shipped instruments, catalog facts, the schema."""

from __future__ import annotations

import datetime as dt

from starlette.applications import Starlette

from services.kernel import auth
from services.kernel.consumer import DurableConsumer, ProcessedEvents
from services.kernel.messaging import NatsLink
from services.kernel.mongo import Storage
from services.kernel.publisher import Publish
from services.kernel.runtime import ServiceRuntime, Wiring, serve
from services.kernel.settings import Settings
from services.survey import storage
from services.survey.context import SurveyContext, make_context
from services.survey.handlers.campaigns import (
    RESPONDENT_TOKEN_LIFETIME,
    CampaignsCloseWithTheirCycle,
    MintRespondentToken,
)
from services.survey.handlers.instruments import install_builtin
from services.survey.repository import Survey
from services.survey.schema import schema

NAME = "survey"


def _consumers(survey: Survey, link: NatsLink, store: Storage) -> list[DurableConsumer]:
    processed = ProcessedEvents(store.db["processed_events"], store)
    closings = ProcessedEvents(store.db["processed_cycle_closings"], store)
    return [
        DurableConsumer(link, "survey-catalog-facts", survey.facts, processed),
        DurableConsumer(
            link, "survey-cycle-closings", CampaignsCloseWithTheirCycle(survey), closings
        ),
    ]


WIRING = Wiring(
    name=NAME,
    documents=storage.DOCUMENTS,
    repositories=storage.mongo_survey,
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
    runtime = ServiceRuntime(settings, WIRING, survey, publish)
    secret = settings.jwt_secret or ""
    mint = respondent_minter(secret)

    def verify(token: str) -> auth.Principal:
        return auth.verify(token, secret, settings.token_max_seconds)

    def context(principal: auth.Principal) -> SurveyContext:
        return make_context(runtime.repositories, mint, verify, principal)

    return serve(runtime, schema, context)
