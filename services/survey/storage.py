"""The survey's MongoDB storage: each aggregate's private document, with the indexes its
queries use. Campaigns, scores, assignments and findings are derived from their dataclasses;
an instrument is stored as the document it was published as, and a response with its answers
(of several kinds) and the fingerprint that tells a replay from a different response."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import mongoengine as me

from services.kernel import errors
from services.kernel.clock import as_utc
from services.kernel.docstore import StoredAggregate, aggregate_collections
from services.kernel.mongo import Storage
from services.kernel.outbox import Written
from services.kernel.repository import (
    ImmutableCache,
    MappedByHand,
    MongoRepository,
    Page,
    duplicate_id,
    enum_value,
    given,
    matching,
)
from services.kernel.stored import StoredForm
from services.survey import domain
from services.survey.domain import instruments
from services.survey.domain.answers import answer_from_data
from services.survey.projection.catalog_facts import MongoCatalogFacts
from services.survey.repository import (
    AssignmentFilter,
    CampaignFilter,
    Survey,
)

ALIAS = "survey"
KEY_FIELD = "idempotencyKey"  # the input field a stored response conflicts on
SOURCE = "/smartcity/survey"


class _Stored(StoredAggregate):
    meta = {"abstract": True, "db_alias": ALIAS}


class _InstrumentDocument(_Stored):
    meta = {"collection": "instruments", "indexes": ["key"]}
    id = me.StringField(primary_key=True)
    key = me.StringField(required=True)
    instrument_version = me.IntField(required=True)
    title = me.StringField(required=True)
    published_by = me.StringField(default="")
    sections = me.ListField(me.DictField())


class _ResponseDocument(_Stored):
    meta = {
        "collection": "responses",
        "indexes": [
            ("campaign_id", "sub_dimension"),
        ],
    }
    id = me.StringField(primary_key=True)
    campaign_id = me.StringField(required=True)
    region_code = me.StringField(required=True)
    cycle_id = me.StringField(required=True)
    audience = me.EnumField(domain.Audience, required=True)
    instrument_key = me.StringField(required=True)
    instrument_version = me.IntField(required=True)
    respondent = me.StringField(required=True)
    idempotency_key = me.StringField(required=True)
    sub_dimension = me.StringField(null=True)
    answers = me.ListField(me.DictField())
    submitted_at = me.DateTimeField(required=True)
    fingerprint = me.StringField(required=True)


CAMPAIGNS = StoredForm(
    domain.Campaign,
    _Stored,
    collection="campaigns",
    # a campaign stored before slots has none: sparse, so those never conflict
    indexes=[
        ("region_code", "cycle_id"),
        ("cycle_id", "status"),
        {"fields": ["slot"], "unique": True, "sparse": True},
    ],
)
SCORES = StoredForm(
    domain.AssessorScore, _Stored, collection="assessor_scores",
    indexes=["campaign_id", ("region_code", "cycle_id")],
)  # fmt: skip
ASSIGNMENTS = StoredForm(
    domain.Assignment, _Stored, collection="assignments",
    indexes=["region_code", ("cycle_id", "_id"), ("assessors", "cycle_id", "_id")],
)  # fmt: skip
ASSESSORS = StoredForm(domain.Assessor, _Stored, collection="assessors", indexes=["institution"])
BATCHES = StoredForm(
    domain.AcceptedBatch, _Stored, collection="accepted_batches", indexes=["campaign_id"]
)
FINDINGS = StoredForm(
    domain.Findings, _Stored, collection="findings", indexes=[("region_code", "cycle_id")]
)


def _instrument_document(instrument: domain.Instrument) -> _InstrumentDocument:
    data = instruments.document(instrument)
    return _InstrumentDocument(
        id=instrument.id,
        key=instrument.key,
        instrument_version=instrument.instrument_version,
        title=instrument.title,
        published_by=instrument.published_by,
        sections=data["sections"],
    )


def _instrument_domain(document: _InstrumentDocument) -> domain.Instrument:
    data = {
        "key": document.key,
        "version": document.instrument_version,
        "title": document.title,
        "published_by": document.published_by,
        "sections": document.sections,
    }
    instrument = instruments.from_document(data)
    instrument.version = document.version
    return instrument


class ResponseMapping:
    """A response as its document holds it: its fields, its answers as data and the
    fingerprint of what it answered. Written and read as data, without building the document
    class, which a national season's citizens' batches spent most of a write in."""

    document = _ResponseDocument

    @staticmethod
    def to_son(response: domain.Response) -> dict[str, Any]:
        son = response.state() | {
            "answers": [a.as_data() for a in response.answers],
            "fingerprint": response.fingerprint,
            "audience": response.audience.value,
        }
        son["_id"] = son.pop("id")
        return son

    @staticmethod
    def to_domain(son: Mapping[str, Any]) -> domain.Response:
        values = {name: son[name] for name in RESPONSE_FIELDS}
        return domain.Response(
            **values,
            id=son["_id"],
            audience=domain.Audience(son["audience"]),
            answers=tuple(answer_from_data(a) for a in son["answers"]),
            submitted_at=as_utc(son["submitted_at"]),
            version=son.get("version", 0),
        )


RESPONSE_FIELDS = (
    "campaign_id", "region_code", "cycle_id", "instrument_key", "instrument_version",
    "respondent", "idempotency_key", "sub_dimension",
)  # fmt: skip


class MongoResponses(MongoRepository[domain.Response]):
    async def of_campaign(self, campaign_id: str, page: Page) -> list[domain.Response]:
        return await self.list(campaign_id, page)

    async def respondents_by_sub_dimension(self, campaign_id: str) -> dict[str, int]:
        pipeline: list[dict[str, Any]] = [
            {"$match": {"campaign_id": campaign_id}},
            {"$group": {"_id": "$sub_dimension", "n": {"$sum": 1}}},
        ]
        rows = await self.store.storage.run(lambda: list(self.store.collection.aggregate(pipeline)))
        return {row["_id"]: row["n"] for row in rows if row["_id"]}

    async def counts(self, campaign_ids: list[str]) -> dict[str, int]:
        rows = await _counted(self, campaign_ids, "$campaign_id")
        return {row["_id"]: row["n"] for row in rows}


class MongoScores(MongoRepository[domain.AssessorScore]):
    async def counts(self, campaign_ids: list[str]) -> dict[tuple[str, str], int]:
        by = {"campaign": "$campaign_id", "assessor": "$assessor"}
        rows = await _counted(self, campaign_ids, by)
        return {(row["_id"]["campaign"], row["_id"]["assessor"]): row["n"] for row in rows}


async def _counted(
    repository: MongoRepository[Any], campaign_ids: list[str], by: object
) -> list[dict[str, Any]]:
    """Documents of these campaigns counted by `by`, over the `campaign_id` index."""
    pipeline: list[dict[str, Any]] = [
        {"$match": {"campaign_id": {"$in": campaign_ids}}},
        {"$group": {"_id": by, "n": {"$sum": 1}}},
    ]
    store = repository.store
    return await store.storage.run(lambda: list(store.collection.aggregate(pipeline)))


def mongo_survey(storage: Storage, on_write: Callable[[Written], None] = lambda _: None) -> Survey:
    store = aggregate_collections(storage, SOURCE, on_write)

    return Survey(
        instruments=ImmutableCache(
            MongoRepository(
                MappedByHand(_InstrumentDocument, _instrument_document, _instrument_domain),
                store,
                query_of=lambda key: given(key=key),
                duplicate=lambda i: errors.Conflict(
                    f"instrument {i.key} version {i.instrument_version} is already published",
                    "version",
                ),
            ),
            key_of=lambda i: i.id,
        ),
        campaigns=MongoRepository(
            CAMPAIGNS, store, query_of=_campaign_query, duplicate=_campaign_taken
        ),
        responses=MongoResponses(
            ResponseMapping(), store,
            query_of=lambda campaign_id: given(campaign_id=campaign_id),
            duplicate=lambda _: errors.Conflict("this response is already stored", KEY_FIELD),
        ),
        scores=MongoScores(SCORES, store, query_of=matching, duplicate=duplicate_id("score")),
        assignments=MongoRepository(
            ASSIGNMENTS, store, query_of=_assignment_query, duplicate=duplicate_id("assignment")
        ),
        batches=MongoRepository(
            BATCHES, store, query_of=matching, duplicate=duplicate_id("batch")
        ),
        findings=MongoRepository(
            FINDINGS, store, query_of=matching, duplicate=duplicate_id("findings")
        ),
        assessors=MongoRepository(
            ASSESSORS, store, query_of=matching, duplicate=duplicate_id("assessor")
        ),
        facts=MongoCatalogFacts(storage.db, storage),
    )  # fmt: skip


def _campaign_taken(campaign: domain.Campaign) -> errors.Conflict:
    """A campaign's id is new each time: what is taken is its slot."""
    audience = campaign.audience.replace("_", "-")
    return errors.Conflict(
        f"region {campaign.region_code} already has a {audience} campaign "
        f"of this kind in cycle {campaign.cycle_id}; issue its tokens there",
        "instrumentKey",
    )


def _assignment_query(where: AssignmentFilter) -> dict[str, Any]:
    return given(cycle_id=where.cycle_id, assessors=where.assessor)  # an array holding it


def _campaign_query(where: CampaignFilter) -> dict[str, Any]:
    query = given(
        cycle_id=where.cycle_id,
        audience=enum_value(where.audience),
        status=enum_value(where.status),
        instrument_key=where.instrument_key,
    )
    if where.region_codes is not None:
        query["region_code"] = {"$in": list(where.region_codes)}
    return query


DOCUMENTS: tuple[type[me.Document], ...] = (
    _InstrumentDocument,
    _ResponseDocument,
    *(form.document for form in (CAMPAIGNS, SCORES, ASSIGNMENTS, FINDINGS, ASSESSORS, BATCHES)),
)
