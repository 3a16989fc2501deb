"""Scoring's MongoDB storage: each aggregate's private document, derived from its dataclass,
with the indexes its queries use; the revision log and the rule set audit beside them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import mongoengine as me
from pymongo import ReturnDocument
from pymongo.collection import Collection

from services.kernel.docstore import StoredAggregate, aggregate_collections
from services.kernel.mongo import Storage
from services.kernel.outbox import Written
from services.kernel.repository import MongoRepository, Page, VersionedReads, duplicate_id
from services.kernel.stored import StoredForm
from services.scoring.domain import rulesets, scorecards
from services.scoring.domain.ranking import CycleRanking
from services.scoring.projection.evidence_reader import EvidenceReader
from services.scoring.repository import Scoring

ALIAS = "scoring"
SOURCE = "/smartcity/scoring"


class _Stored(StoredAggregate):
    meta = {"abstract": True, "db_alias": ALIAS}


RULESETS = StoredForm(rulesets.RuleSet, _Stored, collection="rulesets", indexes=["-number"])
ACTIVE = StoredForm(rulesets.ActiveRuleSet, _Stored, collection="active_ruleset")
SCORECARDS = StoredForm(
    scorecards.Scorecard, _Stored, collection="scorecards", indexes=["cycle_id", "region_code"]
)
DOCUMENTS: tuple[type[me.Document], ...] = tuple(
    form.document for form in (RULESETS, ACTIVE, SCORECARDS)
)


class MongoScorecards(MongoRepository[scorecards.Scorecard]):
    revision_log: Collection[Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        store = self.store
        self.read_only = VersionedReads(lambda: store.collection, store.storage, self.to_domain)

    async def of_cycle(self, cycle_id: str) -> list[scorecards.Scorecard]:
        """Every scorecard of the cycle, found on the cycle index, to be read only."""
        return [card for _, card in await self.read_only.find({"cycle_id": cycle_id})]

    async def of_regions(self, region_codes: list[str]) -> list[scorecards.Scorecard]:
        """Every scorecard of the regions, found on the region index, to be read only."""
        found = await self.read_only.find({"region_code": {"$in": region_codes}})
        return [card for _, card in found]

    async def scored_cycles(self) -> list[str]:
        return await self.store.storage.run(self.store.collection.distinct, "cycle_id")

    async def keep_revision(self, card: scorecards.Scorecard) -> None:
        entry = {"_id": f"{card.id}:{card.revision}", "scorecard_id": card.id, **card.as_data()}
        await self.store.storage.run(
            self.revision_log.replace_one, {"_id": entry["_id"]}, entry, True
        )

    async def revisions(self, scorecard_id: str) -> list[dict[str, Any]]:
        return await self.store.storage.run(
            lambda: list(self.revision_log.find({"scorecard_id": scorecard_id}).sort("revision", 1))
        )


class MongoRankings:
    """One document per cycle with every region's places in it, rewritten when a scorecard of
    the cycle changes. Each recomputation takes a ticket before it reads the standings and
    writes only over an older ticket's result, so of two racing recomputations the one that
    read last is kept."""

    def __init__(self, collection: Collection[Any], cards: Collection[Any], storage: Storage):
        self.collection, self.cards, self.storage = collection, cards, storage
        self.read_only = VersionedReads(
            lambda: collection, storage, lambda son: _ranking(son["places"]), version="computed"
        )

    async def of_cycles(self, cycle_ids: list[str]) -> dict[str, CycleRanking]:
        """The cycles' rankings, each read again only once it was recomputed."""
        asked = {"_id": {"$in": cycle_ids}, "computed": {"$gt": 0}}
        rankings = dict(await self.read_only.find(asked))
        missing = [c for c in cycle_ids if c not in rankings]  # kept before rankings were
        if missing:
            await self.recompute(missing)
            rankings |= await self.of_cycles(missing)
        return rankings

    async def recompute(self, cycle_ids: Iterable[str]) -> None:
        for cycle_id in cycle_ids:
            await self.storage.run(self._recompute, cycle_id)

    def _recompute(self, cycle_id: str) -> None:
        taken = self.collection.find_one_and_update(
            {"_id": cycle_id}, {"$inc": {"requested": 1}}, {"requested": 1},
            upsert=True, return_document=ReturnDocument.AFTER,
        )  # fmt: skip
        ticket = int(taken["requested"]) if taken else 1
        fields = {"region_code": 1, "cohort": 1, "content.final_index": 1}
        ranking = CycleRanking.of(
            scorecards.Standing(d["region_code"], d.get("cohort", ""), d["content"]["final_index"])
            for d in self.cards.find({"cycle_id": cycle_id}, fields)
        )
        places = [
            [code, rank, ranking.in_cohort.get(code)] for code, rank in ranking.overall.items()
        ]
        self.collection.update_one(
            {
                "_id": cycle_id,
                "$or": [{"computed": {"$exists": False}}, {"computed": {"$lt": ticket}}],
            },
            {"$set": {"computed": ticket, "places": places}},
        )


def _ranking(places: list[list[Any]]) -> CycleRanking:
    return CycleRanking(
        {code: rank for code, rank, _ in places},
        {code: in_cohort for code, _, in_cohort in places if in_cohort is not None},
    )


class MongoRuleSets(MongoRepository[rulesets.RuleSet]):
    async def newest_number(self) -> int:
        def newest() -> int:
            found = list(self.store.collection.find({}, {"number": 1}).sort("number", -1).limit(1))
            return int(found[0]["number"]) if found else 0

        return await self.store.storage.run(newest)

    async def newest(self, first: int) -> list[rulesets.RuleSet]:
        found = await self.store.find({}, sort="-number", limit=first)
        return [self.to_domain(son) for son in found]


class MongoAudit:
    def __init__(self, collection: Collection[Any], storage: Storage) -> None:
        self.collection, self.storage = collection, storage
        collection.create_index([("ruleset", 1), ("at", -1)])
        collection.create_index([("at", -1)])

    async def record(self, entry: dict[str, Any]) -> None:
        await self.storage.run(self.collection.insert_one, dict(entry))

    async def entries(self, number: int | None, latest: int) -> list[dict[str, Any]]:
        query = {} if number is None else {"ruleset": number}
        newest_first = await self.storage.run(
            lambda: list(self.collection.find(query, {"_id": 0}).sort("at", -1).limit(latest))
        )
        return newest_first[::-1]


def _scorecard_query(where: Any) -> dict[str, Any]:
    return dict(where or {})


def mongo_scoring(
    storage: Storage, on_write: Callable[[Written], None] = lambda _: None
) -> Scoring:
    store = aggregate_collections(storage, SOURCE, on_write)

    cards = MongoScorecards(
        SCORECARDS, store, query_of=_scorecard_query, duplicate=duplicate_id("scorecard")
    )
    cards.revision_log = storage.db["scorecard_revisions"]
    cards.revision_log.create_index([("scorecard_id", 1), ("revision", 1)])
    rankings = MongoRankings(storage.db["cycle_rankings"], cards.store.collection, storage)
    return Scoring(
        rulesets=MongoRuleSets(
            RULESETS, store, query_of=lambda _: {}, duplicate=duplicate_id("rule set")
        ),
        active=MongoRepository(
            ACTIVE, store, query_of=lambda _: {}, duplicate=duplicate_id("active rule set")
        ),
        scorecards=cards,
        rankings=rankings,
        audit=MongoAudit(storage.db["ruleset_audit"], storage),
        facts=EvidenceReader(storage),
    )  # fmt: skip


__all__ = ["DOCUMENTS", "Page", "mongo_scoring"]
