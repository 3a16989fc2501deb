"""A region's evidence for a cycle, assembled from the projection by key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from services.contracts.events.survey import Audience
from services.contracts.progress import ProgressPoint
from services.contracts.reference import CycleStage
from services.kernel.mongo import Storage
from services.scoring.domain.evidence import (
    CycleFacts,
    Evidence,
    Program,
    Question,
    RegionFacts,
)
from services.scoring.domain.letters import Finding, LetterFacts
from services.scoring.projection import keys
from services.scoring.projection.keys import unescape
from services.scoring.repository import CycleIndex

ASSESSED = (Audience.ASSESSOR, Audience.SELF_ASSESSMENT)
DEFAULT_CITIZEN_TARGET = 50
DESCRIBED = ("name", "cohort", "province", "kind")
Pair = tuple[str, str]  # region code, cycle id


class EvidenceReader:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.stored = keys.Collections.of(storage.db)
        self._questions: dict[str, list[dict[str, Any]]] = {}  # instruments never change
        # each instrument's questions as scoring reads them, one dict shared by every region's
        # evidence (never changed): built once, and sent to the rules workers once a batch
        self._asked: dict[str, dict[str, Question]] = {}

    async def evidence_of(self, region_code: str, cycle_id: str) -> Evidence | None:
        return (await self.evidences_of([(region_code, cycle_id)]))[(region_code, cycle_id)]

    async def evidences_of(self, pairs: list[Pair]) -> dict[Pair, Evidence | None]:
        """Each region's evidence in its cycle (None while it has none), read a collection
        at a time for all the pairs: a few queries by key, however many pairs."""
        return await self.storage.run(self._evidences_of, pairs)

    def _evidences_of(self, pairs: list[Pair]) -> dict[Pair, Evidence | None]:
        codes = sorted({code for code, _ in pairs})
        regions = self._by_key(self.stored.regions, codes)
        cycles = self._by_key(self.stored.cycles, sorted({cycle for _, cycle in pairs}))
        heads = self._by_key(self.stored.evidence, [keys.evidence_key(*pair) for pair in pairs])
        programs = self._by_key(self.stored.programs, codes)
        found: dict[Pair, Evidence | None] = dict.fromkeys(pairs)
        wanted: dict[Pair, _Wanted] = {}
        for pair in pairs:
            head = heads.get(keys.evidence_key(*pair))
            if head is None or pair[0] not in regions or pair[1] not in cycles:
                continue
            if (parts := self._wanted(pair, head)) is not None:
                wanted[pair] = parts
        buckets = self._by_key(
            self.stored.evidence,
            [key for parts in wanted.values() for key in (*parts.score_keys, *parts.citizen_keys)],
            {"seen": 0},
        )
        for pair, parts in wanted.items():
            found[pair] = _assembled(
                pair, regions[pair[0]], cycles[pair[1]], parts, buckets,
                programs.get(pair[0], {}), self._scales_of(parts.citizen_campaigns),
            )  # fmt: skip
        return found

    @staticmethod
    def _by_key(
        collection: Any, ids: list[str], projection: dict[str, int] | None = None
    ) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        return {d["_id"]: d for d in collection.find({"_id": {"$in": ids}}, projection)}

    def _wanted(self, pair: Pair, head: dict[str, Any]) -> _Wanted | None:
        """What else a region's evidence is read from: its instrument's questions and the
        keys of its buckets; None while no assessed campaign or instrument has arrived."""
        campaigns = list(head.get("campaigns", {}).values())
        assessed = [c for c in campaigns if c["audience"] in ASSESSED]
        if not assessed:
            return None
        instrument_id = f"{assessed[0]['instrument_key']}@{assessed[0]['instrument_version']}"
        questions = self._questions_of(instrument_id)
        if questions is None:
            return None
        if instrument_id not in self._asked:
            self._asked[instrument_id] = {q["code"]: Question(**q) for q in questions}
        region_code, cycle_id = pair
        return _Wanted(
            questions=self._asked[instrument_id],
            score_keys={keys.scores_key(region_code, cycle_id, q["code"]) for q in questions},
            citizen_keys={
                keys.citizens_key(region_code, cycle_id, s): s
                for s in head.get("citizen_groups", [])
            },
            citizen_campaigns=[c for c in campaigns if c["audience"] == Audience.CITIZEN],
        )

    def _questions_of(self, instrument_id: str) -> list[dict[str, Any]] | None:
        if instrument_id not in self._questions:
            found = self.stored.instruments.find_one({"_id": instrument_id})
            if found is None:
                return None
            self._questions[instrument_id] = found["questions"]
        return self._questions[instrument_id]

    def _scales_of(self, campaigns: list[dict[str, Any]]) -> dict[str, tuple[int, int]]:
        """Each citizen question's answer scale, from its campaign's instrument."""
        scales: dict[str, tuple[int, int]] = {}
        for campaign in campaigns:
            instrument_id = f"{campaign['instrument_key']}@{campaign['instrument_version']}"
            for question in self._questions_of(instrument_id) or []:
                scales[question["code"]] = (question["answer_min"], question["answer_max"])
        return scales

    async def letter_facts(self, region_code: str, cycle_id: str) -> LetterFacts | None:
        return await self.storage.run(self._letter_facts, region_code, cycle_id)

    def _letter_facts(self, region_code: str, cycle_id: str) -> LetterFacts | None:
        region = self.stored.regions.find_one({"_id": region_code})
        cycle = self.stored.cycles.find_one({"_id": cycle_id}, {"stage": 1})
        if region is None or cycle is None:
            return None
        key = keys.evidence_key(region_code, cycle_id)
        written = (self.stored.findings.find_one({"_id": key}) or {}).get("findings", {})
        findings = tuple(
            Finding(f["assessor"], f["kind"], f["text"])
            for _, f in sorted(written.items())  # finding ids sort by the time they were made
        )
        ids = sorted({f.assessor for f in findings})
        people: list[dict[str, Any]] = (
            list(self.stored.assessors.find({"_id": {"$in": ids}})) if ids else []
        )
        return LetterFacts(
            region_name=str(region.get("name") or region_code),
            province=str(region.get("province") or ""),
            stage=str(cycle.get("stage") or ""),
            findings=findings,
            assessors={p["_id"]: (p["name"], p["institution"]) for p in people},
        )

    async def closed_cycles(self, cycle_ids: list[str]) -> set[str]:
        """Those of the cycles that are closed, read in one query by key."""
        query = {"_id": {"$in": cycle_ids}, "status": "closed"}
        return await self.storage.run(
            lambda: {c["_id"] for c in self.stored.cycles.find(query, {"_id": 1})}
        )

    async def cycle_index(self) -> CycleIndex:
        """Each cycle's year and regions."""
        cycles = await self.storage.run(
            lambda: list(self.stored.cycles.find({}, {"year": 1, "region_codes": 1}))
        )
        return {c["_id"]: (int(c["year"]), frozenset(c["region_codes"])) for c in cycles}

    async def pairs(self, after_year: int | None = None) -> list[tuple[str, str]]:
        """Every (region, cycle) a cycle names; only cycles after `after_year` when given."""
        query = {} if after_year is None else {"year": {"$gt": after_year}}
        cycles = await self.storage.run(
            lambda: list(self.stored.cycles.find(query, {"region_codes": 1}))
        )
        return [(code, c["_id"]) for c in cycles for code in c["region_codes"]]


@dataclass(frozen=True)
class _Wanted:
    questions: dict[str, Question]
    score_keys: set[str]
    citizen_keys: dict[str, str]  # bucket key -> sub-dimension
    citizen_campaigns: list[dict[str, Any]]


def _assembled(
    pair: Pair,
    region: dict[str, Any],
    cycle: dict[str, Any],
    wanted: _Wanted,
    buckets: dict[str, dict[str, Any]],
    programs: dict[str, Any],
    citizen_scales: dict[str, tuple[int, int]],
) -> Evidence:
    region_code, cycle_id = pair
    scores, citizens = _sorted_buckets(wanted, buckets)
    citizen_quota = [c["quota_per_sub_dimension"] for c in wanted.citizen_campaigns]
    stored_programs = [
        {**program, "_id": unescape(key)} for key, program in programs.get("programs", {}).items()
    ]
    return Evidence(
        region=RegionFacts(region_code, **{k: region.get(k) or "" for k in DESCRIBED}),
        cycle=CycleFacts(cycle_id, int(cycle["year"]), cycle["cohort"] or "",
                         CycleStage(cycle["stage"]) if cycle.get("stage") else None),
        questions=wanted.questions,
        assessor_scores=scores,
        citizen_answers=_citizen_sums(citizens.values()),
        citizen_scales=citizen_scales,
        citizen_respondents={sub: int(b["respondents"]) for sub, b in citizens.items() if sub},
        citizen_target=citizen_quota[0] if citizen_quota else DEFAULT_CITIZEN_TARGET,
        programs=tuple(_program(p) for p in stored_programs if p.get("name")),
        previous_final=None,
    )  # fmt: skip


def _sorted_buckets(
    wanted: _Wanted, buckets: dict[str, dict[str, Any]]
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, Any]]]:
    """Assessor scores by question, and the citizens' answer sums by sub-dimension."""
    scores: dict[str, dict[str, int]] = {}
    for key in sorted(wanted.score_keys):
        for code, by_assessor in buckets.get(key, {}).get("by", {}).items():
            scores[unescape(code)] = {
                unescape(a): value % keys.REVISION_SLOT for a, value in by_assessor.items()
            }
    citizens = {sub: buckets[key] for key, sub in wanted.citizen_keys.items() if key in buckets}
    return scores, citizens


def _citizen_sums(buckets: Iterable[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    """Each question's (sum of answers, number of answers) over every sub-dimension."""
    sums: dict[str, tuple[int, int]] = {}
    for bucket in buckets:
        for code, total in bucket.get("sums", {}).items():
            before_total, before_count = sums.get(unescape(code), (0, 0))
            sums[unescape(code)] = (before_total + total, before_count + bucket["counts"][code])
    return sums


def _program(stored: dict[str, Any]) -> Program:
    progress = tuple(
        ProgressPoint(p["stage"], float(p["percent"]), dt.date.fromisoformat(p["reported_on"][:10]))
        for p in stored.get("progress", {}).values()
    )
    quick_wins = stored.get("quick_wins", {}).values()
    decisions = [q["decision"] for q in quick_wins if q.get("decision")]
    return Program(
        program_id=stored["_id"], name=stored["name"], dimension=stored.get("dimension") or "",
        sub_dimension=stored.get("sub_dimension") or "", phase=stored.get("phase") or "",
        start_year=int(stored.get("start_year") or 0),
        target_year=int(stored.get("target_year") or 0),
        planning_percent=float(stored.get("planning_percent") or 0),
        implementation_percent=float(stored.get("implementation_percent") or 0),
        progress=progress, quick_win_years=tuple(int(q["year"]) for q in quick_wins),
        quick_win_decision=decisions[-1] if decisions else "",
    )  # fmt: skip
