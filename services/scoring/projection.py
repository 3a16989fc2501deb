"""Scoring's own projection of catalog and survey events, and the evidence read from it.

Every update is idempotent and order-tolerant, so a redelivered or replayed event changes
nothing: entity facts keep the newest event time, assessor scores keep the highest
revision, and a citizen response (never revised) is added to its sub-dimension's sums in the
same single-document write that records its id, only when the id is not recorded yet.
Nested keys (question codes, assessor ids) are escaped, since Mongo field names may not
hold `.` or start `$`.

A region's evidence for a cycle is kept in buckets, each a document found by its `_id`: one
for the campaigns, one per instrument section for the assessors' scores, one per
sub-dimension for the citizens' answer sums; a region's programs share one document. Every
write touches one bounded document, however many responses a region gathers, and a
region's evidence is a few dozen reads by key, never a scan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError

from services.kernel.mongo import Storage
from services.scoring.domain import evidence as ev

CycleIndex = dict[str, tuple[int, frozenset[str]]]  # cycle id -> (year, region codes)
REVISION_SLOT = 10  # assessor scores are kept as revision * 10 + score, so $max keeps the latest
CITIZEN = "citizen"
ASSESSOR_SCORE = "assessor_score"


def escape(key: str) -> str:
    return key.replace("%", "%25").replace(".", "%2E").replace("$", "%24")


def unescape(key: str) -> str:
    return key.replace("%2E", ".").replace("%24", "$").replace("%25", "%")


def evidence_key(region_code: str, cycle_id: str) -> str:
    return f"{region_code}:{cycle_id}"


def scores_key(region_code: str, cycle_id: str, question_code: str) -> str:
    """The bucket of a question's section: the code up to its first `.` (A.1.2 -> A)."""
    return f"{evidence_key(region_code, cycle_id)}:q:{question_code.split('.', 1)[0]}"


def citizens_key(region_code: str, cycle_id: str, sub_dimension: str) -> str:
    return f"{evidence_key(region_code, cycle_id)}:c:{sub_dimension}"


class Projection:
    def __init__(self, db: Any, storage: Storage) -> None:
        self.storage = storage
        self.regions: Collection[Any] = db["facts_regions"]
        self.cycles: Collection[Any] = db["facts_cycles"]
        self.instruments: Collection[Any] = db["facts_instruments"]
        self.programs: Collection[Any] = db["facts_programs"]  # one document per region
        self.evidence: Collection[Any] = db["facts_evidence"]
        self.on_change: Callable[[str, str], None] = lambda region, cycle: None
        self._questions: dict[str, list[dict[str, Any]]] = {}  # instruments never change
        self._noted_groups: set[tuple[str, str]] = set()  # kept once noted

    async def apply(self, cloud_event: dict[str, Any]) -> None:
        kind, data, at = cloud_event["type"], cloud_event["data"], cloud_event["time"]
        subject = kind.rsplit(".v", 1)[0]
        handler = _HANDLERS.get(subject)
        if handler is None:
            return
        for region, cycle in await self.storage.run(handler, self, data, at):
            self.on_change(region, cycle)

    # catalog

    def _region(self, data: dict[str, Any], at: str) -> list[tuple[str, str]]:
        fields = {k: data.get(k) for k in ("name", "kind", "province", "cohort")}
        if _keep_newest(self.regions, data["code"], fields, at):
            return self._open_cycles_of(data["code"])
        return []

    def _cycle(self, data: dict[str, Any], at: str, status: str) -> list[tuple[str, str]]:
        fields = {"year": data["year"], "cohort": data["cohort"], "stage": data.get("stage", ""),
                  "region_codes": list(data["region_codes"]), "status": status}  # fmt: skip
        if _keep_newest(self.cycles, data["id"], fields, at):
            return [(code, data["id"]) for code in data["region_codes"]]
        return []

    def _program(self, data: dict[str, Any], at: str) -> list[tuple[str, str]]:
        names = ("region_code", "name", "dimension", "sub_dimension", "phase", "start_year",
                 "target_year", "planning_percent", "implementation_percent")  # fmt: skip
        fields = {k: data.get(k) for k in names}
        slot = f"programs.{escape(data['id'])}"
        if _keep_newest(self.programs, data["region_code"], fields, at, slot):
            return self._open_cycles_of(data["region_code"])
        return []

    def _progress(self, data: dict[str, Any], at: str) -> list[tuple[str, str]]:
        report = {
            "stage": data["stage"],
            "percent": data["percent"],
            "reported_on": data["reported_on"],
        }
        slot = f"programs.{escape(data['program_id'])}.progress.{escape(data['report_id'])}"
        self.programs.update_one(
            {"_id": data["region_code"]}, {"$set": {slot: report}}, upsert=True
        )
        return self._open_cycles_of(data["region_code"])

    def _quick_win(self, data: dict[str, Any], at: str) -> list[tuple[str, str]]:
        slot = f"programs.{escape(data['program_id'])}.quick_wins.{escape(data['id'])}"
        change: dict[str, Any] = {f"{slot}.year": data["year"]}
        if "decision" in data:
            change[f"{slot}.decision"] = data["decision"]
        self.programs.update_one({"_id": data["region_code"]}, {"$set": change}, upsert=True)
        return self._open_cycles_of(data["region_code"])

    def _open_cycles_of(self, region_code: str) -> list[tuple[str, str]]:
        return [(region_code, c["_id"]) for c in self.cycles.find({"region_codes": region_code})]

    # survey

    def _instrument(self, data: dict[str, Any], at: str) -> list[tuple[str, str]]:
        document = data["document"]
        questions = [
            {
                "code": q["code"],
                "evaluation_dimension": q.get("evaluation_dimension"),
                "smart_dimension": q.get("smart_dimension"),
                "sub_dimension": q.get("sub_dimension"),
                "answer_min": q.get("scale_min") or 0,
                "answer_max": q.get("scale_max") or 4,
            }
            for section in document["sections"]
            for q in section["questions"]
        ]
        self.instruments.replace_one({"_id": data["id"]}, {"questions": questions}, upsert=True)
        return []

    def _campaign(self, data: dict[str, Any], at: str) -> list[tuple[str, str]]:
        names = ("instrument_key", "instrument_version", "region_code", "cycle_id", "audience",
                 "quota_per_sub_dimension")  # fmt: skip
        key = evidence_key(data["region_code"], data["cycle_id"])
        slot = f"campaigns.{escape(data['id'])}"
        if _keep_newest(self.evidence, key, {k: data[k] for k in names}, at, slot):
            return [(data["region_code"], data["cycle_id"])]
        return []

    def _response(self, data: dict[str, Any], at: str) -> list[tuple[str, str]]:
        region_code, cycle_id = data["region_code"], data["cycle_id"]
        if data["kind"] == ASSESSOR_SCORE:
            [answer] = data["answers"]
            key = scores_key(region_code, cycle_id, answer["question_code"])
            value = int(data.get("revision", 1)) * REVISION_SLOT + int(answer["score"])
            slot = f"by.{escape(answer['question_code'])}.{escape(data['respondent'])}"
            change: dict[str, Any] = {"$max": {slot: value}}
        elif data["kind"] == CITIZEN:
            sub_dimension = data.get("sub_dimension") or ""
            self._note_citizen_group(region_code, cycle_id, sub_dimension)
            key = citizens_key(region_code, cycle_id, sub_dimension)
            if not self._add_citizen(key, data["response_id"], data["answers"]):
                return []
            return [(region_code, cycle_id)]
        else:
            return []
        self.evidence.update_one({"_id": key}, change, upsert=True)
        return [(data["region_code"], data["cycle_id"])]

    def _note_citizen_group(self, region_code: str, cycle_id: str, sub_dimension: str) -> None:
        """Records, before any answer is added, which sums the evidence is read from."""
        key = evidence_key(region_code, cycle_id)
        if (key, sub_dimension) in self._noted_groups:
            return
        change = {"$addToSet": {"citizen_groups": sub_dimension}}
        self.evidence.update_one({"_id": key}, change, upsert=True)
        self._noted_groups.add((key, sub_dimension))

    def _add_citizen(self, key: str, response_id: str, answers: list[dict[str, Any]]) -> bool:
        """Adds one response to the sums unless its id is recorded already."""
        change: dict[str, Any] = {"$push": {"seen": response_id}, "$inc": {"respondents": 1}}
        for answer in answers:
            if isinstance(answer.get("score"), int):
                code = escape(answer["question_code"])
                change["$inc"] |= {f"sums.{code}": answer["score"], f"counts.{code}": 1}
        try:
            result = self.evidence.update_one(
                {"_id": key, "seen": {"$ne": response_id}}, change, upsert=True
            )
        except DuplicateKeyError:  # the bucket exists and has seen this response
            return False
        return result.modified_count > 0 or result.upserted_id is not None

    # reading

    async def evidence_of(self, region_code: str, cycle_id: str) -> ev.Evidence | None:
        return await self.storage.run(self._evidence_of, region_code, cycle_id)

    def _evidence_of(self, region_code: str, cycle_id: str) -> ev.Evidence | None:
        region = self.regions.find_one({"_id": region_code})
        cycle = self.cycles.find_one({"_id": cycle_id})
        head = self.evidence.find_one({"_id": evidence_key(region_code, cycle_id)})
        if region is None or cycle is None or head is None:
            return None
        campaigns = list(head.get("campaigns", {}).values())
        assessed = [c for c in campaigns if c["audience"] in ("assessor", "self_assessment")]
        if not assessed:
            return None
        questions = self._questions_of(
            f"{assessed[0]['instrument_key']}@{assessed[0]['instrument_version']}"
        )
        if questions is None:
            return None
        scores, citizens = self._buckets(
            region_code, cycle_id, questions, head.get("citizen_groups", [])
        )
        citizen_quota = [
            c["quota_per_sub_dimension"] for c in campaigns if c["audience"] == CITIZEN
        ]
        described = ("name", "cohort", "province", "kind")
        return ev.Evidence(
            region={"code": region_code, **{k: region.get(k) for k in described}},
            cycle={"id": cycle_id, "year": cycle["year"], "cohort": cycle["cohort"],
                   "stage": cycle.get("stage")},
            questions={q["code"]: ev.Question(**q) for q in questions},
            assessor_scores=scores,
            citizen_answers=_citizen_sums(citizens.values()),
            citizen_respondents={sub: int(b["respondents"]) for sub, b in citizens.items() if sub},
            citizen_target=citizen_quota[0] if citizen_quota else 50,
            programs=tuple(_program(p) for p in self._programs_of(region_code) if p.get("name")),
            previous_final=None,
        )  # fmt: skip

    def _questions_of(self, instrument_id: str) -> list[dict[str, Any]] | None:
        if instrument_id not in self._questions:
            found = self.instruments.find_one({"_id": instrument_id})
            if found is None:
                return None
            self._questions[instrument_id] = found["questions"]
        return self._questions[instrument_id]

    def _buckets(
        self,
        region_code: str,
        cycle_id: str,
        questions: list[dict[str, Any]],
        citizen_groups: list[str],
    ) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, Any]]]:
        """Assessor scores by question, and the citizens' answer sums by sub-dimension."""
        score_keys = {scores_key(region_code, cycle_id, q["code"]) for q in questions}
        citizen_keys = {citizens_key(region_code, cycle_id, s): s for s in citizen_groups}
        scores: dict[str, dict[str, int]] = {}
        citizens: dict[str, dict[str, Any]] = {}
        wanted = {"_id": {"$in": [*score_keys, *citizen_keys]}}
        for bucket in self.evidence.find(wanted, {"seen": 0}):
            if bucket["_id"] in score_keys:
                for code, by_assessor in bucket["by"].items():
                    scores[unescape(code)] = {
                        unescape(a): value % REVISION_SLOT for a, value in by_assessor.items()
                    }
            else:
                citizens[citizen_keys[bucket["_id"]]] = bucket
        return scores, citizens

    def _programs_of(self, region_code: str) -> list[dict[str, Any]]:
        found = self.programs.find_one({"_id": region_code}) or {}
        return [{**program, "_id": unescape(key)}
                for key, program in found.get("programs", {}).items()]  # fmt: skip

    async def cycle_is_closed(self, cycle_id: str) -> bool:
        found = await self.storage.run(self.cycles.find_one, {"_id": cycle_id}, {"status": 1})
        return bool(found and found.get("status") == "closed")

    async def cycle_index(self) -> CycleIndex:
        """Each cycle's year and regions."""
        cycles = await self.storage.run(
            lambda: list(self.cycles.find({}, {"year": 1, "region_codes": 1}))
        )
        return {c["_id"]: (int(c["year"]), frozenset(c["region_codes"])) for c in cycles}

    async def pairs(self, after_year: int | None = None) -> list[tuple[str, str]]:
        """Every (region, cycle) a cycle names; only cycles after `after_year` when given."""
        query = {} if after_year is None else {"year": {"$gt": after_year}}
        cycles = await self.storage.run(lambda: list(self.cycles.find(query, {"region_codes": 1})))
        return [(code, c["_id"]) for c in cycles for code in c["region_codes"]]


def _keep_newest(
    collection: Collection[Any], key: str, fields: dict[str, Any], at: str, slot: str = ""
) -> bool:
    """Sets `fields` (under `slot`, a dotted path, when given) unless newer ones are stored."""
    as_of = f"{slot}.as_of" if slot else "as_of"
    current: Any = collection.find_one({"_id": key}, {as_of: 1}) or {}
    for part in as_of.split("."):
        current = current.get(part, {}) if isinstance(current, dict) else {}
    if isinstance(current, str) and current > at:
        return False
    stored = {**fields, "as_of": at}
    change = {f"{slot}.{k}" if slot else k: v for k, v in stored.items()}
    collection.update_one({"_id": key}, {"$set": change}, upsert=True)
    return True


def _citizen_sums(buckets: Iterable[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    """Each question's (sum of answers, number of answers) over every sub-dimension."""
    sums: dict[str, tuple[int, int]] = {}
    for bucket in buckets:
        for code, total in bucket.get("sums", {}).items():
            before_total, before_count = sums.get(unescape(code), (0, 0))
            sums[unescape(code)] = (before_total + total, before_count + bucket["counts"][code])
    return sums


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])


def _program(stored: dict[str, Any]) -> ev.Program:
    progress = tuple(
        ev.ProgressPoint(
            p["stage"], float(p["percent"]), dt.date.fromisoformat(p["reported_on"][:10])
        )
        for p in stored.get("progress", {}).values()
    )
    quick_wins = stored.get("quick_wins", {}).values()
    decisions = [q["decision"] for q in quick_wins if q.get("decision")]
    return ev.Program(
        program_id=stored["_id"], name=stored["name"], dimension=stored.get("dimension") or "",
        sub_dimension=stored.get("sub_dimension") or "", phase=stored.get("phase") or "",
        start_year=int(stored.get("start_year") or 0),
        target_year=int(stored.get("target_year") or 0),
        planning_percent=float(stored.get("planning_percent") or 0),
        implementation_percent=float(stored.get("implementation_percent") or 0),
        progress=progress, quick_win_years=tuple(int(q["year"]) for q in quick_wins),
        quick_win_decision=decisions[-1] if decisions else "",
    )  # fmt: skip


Handler = Callable[[Projection, dict[str, Any], str], list[tuple[str, str]]]
_HANDLERS: dict[str, Handler] = {
    "smartcity.catalog.region.registered": Projection._region,
    "smartcity.catalog.region.updated": Projection._region,
    "smartcity.catalog.cycle.opened": lambda p, d, at: p._cycle(d, at, "open"),
    "smartcity.catalog.cycle.closed": lambda p, d, at: p._cycle(d, at, "closed"),
    "smartcity.catalog.program.added": Projection._program,
    "smartcity.catalog.program.updated": Projection._program,
    "smartcity.catalog.progress.reported": Projection._progress,
    "smartcity.catalog.quickwin.proposed": Projection._quick_win,
    "smartcity.catalog.quickwin.decided": Projection._quick_win,
    "smartcity.survey.instrument.published": Projection._instrument,
    "smartcity.survey.campaign.opened": Projection._campaign,
    "smartcity.survey.campaign.closed": Projection._campaign,
    "smartcity.survey.response.accepted": Projection._response,
}
