"""Scoring's MongoDB storage: private documents mapped to and from the aggregates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import mongoengine as me
from pymongo.collection import Collection

from services.kernel.clock import as_utc
from services.kernel.docstore import AggregateCollection, StoredAggregate
from services.kernel.mongo import Storage
from services.kernel.outbox import Written
from services.kernel.repository import MongoRepository, Page, duplicate_id, every
from services.scoring.domain import rulesets, scorecards
from services.scoring.domain.rules import Problem
from services.scoring.projection.evidence_reader import EvidenceReader
from services.scoring.repository import Scoring

ALIAS = "scoring"
SOURCE = "/smartcity/scoring"


class _Stored(StoredAggregate):
    meta = {"abstract": True, "db_alias": ALIAS}


class _RuleSetDocument(_Stored):
    meta = {"collection": "rulesets"}
    id = me.StringField(primary_key=True)
    number = me.IntField(required=True)
    name = me.StringField(default="")
    text = me.StringField(required=True)
    author = me.StringField(required=True)
    created_at = me.DateTimeField(required=True)
    problems = me.ListField(me.DictField())
    based_on = me.IntField(null=True)


class _ActiveDocument(_Stored):
    meta = {"collection": "active_ruleset"}
    id = me.StringField(primary_key=True)
    number = me.IntField(null=True)
    history = me.ListField(me.DictField())


class _ScorecardDocument(_Stored):
    meta = {"collection": "scorecards", "indexes": ["cycle_id", "region_code"]}
    id = me.StringField(primary_key=True)
    region_code = me.StringField(required=True)
    cycle_id = me.StringField(required=True)
    cohort = me.StringField(default="")
    year = me.IntField(required=True)
    revision = me.IntField(required=True)
    input_digest = me.StringField(required=True)
    computed_at = me.DateTimeField(required=True)
    content = me.DictField()


DOCUMENTS: tuple[type[me.Document], ...] = (_RuleSetDocument, _ActiveDocument, _ScorecardDocument)


def _ruleset_document(ruleset: rulesets.RuleSet) -> _RuleSetDocument:
    problems = [asdict(p) for p in ruleset.problems]
    return _RuleSetDocument(**(ruleset.state() | {"problems": problems}))


def _ruleset_domain(document: _RuleSetDocument) -> rulesets.RuleSet:
    return rulesets.RuleSet(
        id=document.id, number=document.number, name=document.name, text=document.text,
        author=document.author, created_at=as_utc(document.created_at),
        problems=tuple(Problem(**p) for p in document.problems), based_on=document.based_on,
        version=document.version,
    )  # fmt: skip


def _active_document(active: rulesets.ActiveRuleSet) -> _ActiveDocument:
    history = [asdict(a) for a in active.history]
    return _ActiveDocument(id=active.id, number=active.number, history=history)


def _active_domain(document: _ActiveDocument) -> rulesets.ActiveRuleSet:
    history = [rulesets.Activation(h["number"], h["by"], as_utc(h["at"])) for h in document.history]
    return rulesets.ActiveRuleSet(
        id=document.id, number=document.number, history=history, version=document.version
    )


def _scorecard_document(card: scorecards.Scorecard) -> _ScorecardDocument:
    state = card.state()
    state["content"] = card.content.as_data()
    return _ScorecardDocument(**state)


def content_from_data(data: dict[str, Any]) -> scorecards.Content:
    values = dict(data)
    values["dimensions"] = tuple(scorecards.DimensionScore(**d) for d in data["dimensions"])
    values["explanation"] = tuple(
        scorecards.Firing(**(f | {"effects": tuple(f["effects"])})) for f in data["explanation"]
    )
    values["flags"] = tuple(data["flags"])
    values["recommendations"] = tuple(data["recommendations"])
    return scorecards.Content(**values)


def _scorecard_domain(document: _ScorecardDocument) -> scorecards.Scorecard:
    return scorecards.Scorecard(
        id=document.id, region_code=document.region_code, cycle_id=document.cycle_id,
        cohort=document.cohort, year=document.year, revision=document.revision,
        input_digest=document.input_digest, computed_at=as_utc(document.computed_at),
        content=content_from_data(document.content), version=document.version,
    )  # fmt: skip


class MongoScorecards(MongoRepository[scorecards.Scorecard]):
    revision_log: Collection[Any]

    async def of_cycle(self, cycle_id: str) -> list[scorecards.Scorecard]:
        return await every(lambda page: self.list({"cycle_id": cycle_id}, page), lambda c: c.id)

    async def standings(self, cycle_id: str) -> list[scorecards.Standing]:
        """The cycle's standings, read without the rest of each scorecard."""

        def read() -> list[scorecards.Standing]:
            fields = {"region_code": 1, "cohort": 1, "content.final_index": 1}
            return [
                scorecards.Standing(
                    d["region_code"], d.get("cohort", ""), d["content"]["final_index"]
                )
                for d in self.store.collection.find({"cycle_id": cycle_id}, fields)
            ]

        return await self.store.storage.run(read)

    async def of_region(self, region_code: str) -> list[scorecards.Scorecard]:
        return await every(
            lambda page: self.list({"region_code": region_code}, page), lambda c: c.id
        )

    async def keep_revision(self, card: scorecards.Scorecard) -> None:
        entry = {"_id": f"{card.id}:{card.revision}", "scorecard_id": card.id, **card.as_data()}
        await self.store.storage.run(
            self.revision_log.replace_one, {"_id": entry["_id"]}, entry, True
        )

    async def revisions(self, scorecard_id: str) -> list[dict[str, Any]]:
        return await self.store.storage.run(
            lambda: list(self.revision_log.find({"scorecard_id": scorecard_id}).sort("revision", 1))
        )


class MongoRuleSets(MongoRepository[rulesets.RuleSet]):
    async def newest_number(self) -> int:
        def newest() -> int:
            found = list(self.store.collection.find({}, {"number": 1}).sort("number", -1).limit(1))
            return int(found[0]["number"]) if found else 0

        return await self.store.storage.run(newest)

    async def all(self) -> list[rulesets.RuleSet]:
        return await every(lambda page: self.list(None, page), lambda r: r.id)


class MongoAudit:
    def __init__(self, collection: Collection[Any], storage: Storage) -> None:
        self.collection, self.storage = collection, storage

    async def record(self, entry: dict[str, Any]) -> None:
        await self.storage.run(self.collection.insert_one, dict(entry))

    async def entries(self, number: int | None) -> list[dict[str, Any]]:
        query = {} if number is None else {"ruleset": number}
        return await self.storage.run(
            lambda: list(self.collection.find(query, {"_id": 0}).sort("at", 1))
        )


def _scorecard_query(where: Any) -> dict[str, Any]:
    return dict(where or {})


def mongo_scoring(
    storage: Storage, on_write: Callable[[Written], None] = lambda _: None
) -> Scoring:
    def store(document: type[me.Document]) -> AggregateCollection[Any]:
        return AggregateCollection(document, storage, SOURCE, on_write)

    cards = MongoScorecards(
        store(_ScorecardDocument), to_document=_scorecard_document, to_domain=_scorecard_domain,
        query_of=_scorecard_query, duplicate=duplicate_id("scorecard"),
    )  # fmt: skip
    cards.revision_log = storage.db["scorecard_revisions"]
    cards.revision_log.create_index([("scorecard_id", 1), ("revision", 1)])
    return Scoring(
        rulesets=MongoRuleSets(
            store(_RuleSetDocument), to_document=_ruleset_document, to_domain=_ruleset_domain,
            query_of=lambda _: {}, duplicate=duplicate_id("rule set"),
        ),
        active=MongoRepository(
            store(_ActiveDocument), to_document=_active_document, to_domain=_active_domain,
            query_of=lambda _: {}, duplicate=duplicate_id("active rule set"),
        ),
        scorecards=cards,
        audit=MongoAudit(storage.db["ruleset_audit"], storage),
        facts=EvidenceReader(storage),
    )  # fmt: skip


__all__ = ["DOCUMENTS", "Page", "mongo_scoring"]
