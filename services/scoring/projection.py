"""Scoring's own projection of catalog and survey events, and the evidence read from it.

Every update is idempotent and order-tolerant, so a redelivered or replayed event changes
nothing: entity facts keep the newest event time, assessor scores keep the highest
revision, and each citizen response is stored under its own id. Nested keys (question
codes, assessor ids) are escaped, since Mongo field names may not hold `.` or start `$`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from pymongo.collection import Collection

from services.kernel.mongo import Storage
from services.scoring.domain import evidence as ev

REVISION_SLOT = 10  # assessor scores are kept as revision * 10 + score, so $max keeps the latest
CITIZEN = "citizen"
ASSESSOR_SCORE = "assessor_score"


def escape(key: str) -> str:
    return key.replace("%", "%25").replace(".", "%2E").replace("$", "%24")


def unescape(key: str) -> str:
    return key.replace("%2E", ".").replace("%24", "$").replace("%25", "%")


def evidence_key(region_code: str, cycle_id: str) -> str:
    return f"{region_code}:{cycle_id}"


class Projection:
    def __init__(self, db: Any, storage: Storage) -> None:
        self.storage = storage
        self.regions: Collection[Any] = db["facts_regions"]
        self.cycles: Collection[Any] = db["facts_cycles"]
        self.instruments: Collection[Any] = db["facts_instruments"]
        self.campaigns: Collection[Any] = db["facts_campaigns"]
        self.programs: Collection[Any] = db["facts_programs"]
        self.evidence: Collection[Any] = db["facts_evidence"]
        self.on_change: Callable[[str, str], None] = lambda region, cycle: None

    def ensure_indexes(self) -> None:
        self.programs.create_index("region_code")
        self.campaigns.create_index([("region_code", 1), ("cycle_id", 1)])

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
        if _keep_newest(self.programs, data["id"], {k: data.get(k) for k in names}, at):
            return self._open_cycles_of(data["region_code"])
        return []

    def _progress(self, data: dict[str, Any], at: str) -> list[tuple[str, str]]:
        report = {
            "stage": data["stage"],
            "percent": data["percent"],
            "reported_on": data["reported_on"],
        }
        self.programs.update_one(
            {"_id": data["program_id"]},
            {"$set": {f"progress.{escape(data['report_id'])}": report,
                      "region_code": data["region_code"]}},
            upsert=True,
        )  # fmt: skip
        return self._open_cycles_of(data["region_code"])

    def _quick_win(self, data: dict[str, Any], at: str) -> list[tuple[str, str]]:
        change: dict[str, Any] = {f"quick_wins.{escape(data['id'])}.year": data["year"],
                                  "region_code": data["region_code"]}  # fmt: skip
        if "decision" in data:
            change[f"quick_wins.{escape(data['id'])}.decision"] = data["decision"]
        self.programs.update_one({"_id": data["program_id"]}, {"$set": change}, upsert=True)
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
        fields = {k: data[k] for k in names}
        _keep_newest(self.campaigns, data["id"], fields, at)
        return [(data["region_code"], data["cycle_id"])]

    def _response(self, data: dict[str, Any], at: str) -> list[tuple[str, str]]:
        key = evidence_key(data["region_code"], data["cycle_id"])
        if data["kind"] == ASSESSOR_SCORE:
            [answer] = data["answers"]
            slot = f"scores.{escape(answer['question_code'])}.{escape(data['respondent'])}"
            value = int(data.get("revision", 1)) * REVISION_SLOT + int(answer["score"])
            change: dict[str, Any] = {"$max": {slot: value}}
        elif data["kind"] == CITIZEN:
            answers = {escape(a["question_code"]): a["score"] for a in data["answers"]
                       if isinstance(a.get("score"), int)}  # fmt: skip
            entry = {"sub_dimension": data.get("sub_dimension"), "answers": answers}
            change = {"$set": {f"citizens.{escape(data['response_id'])}": entry}}
        else:
            return []
        self.evidence.update_one({"_id": key}, change, upsert=True)
        return [(data["region_code"], data["cycle_id"])]

    # reading

    async def evidence_of(self, region_code: str, cycle_id: str) -> ev.Evidence | None:
        return await self.storage.run(self._evidence_of, region_code, cycle_id)

    def _evidence_of(self, region_code: str, cycle_id: str) -> ev.Evidence | None:
        region = self.regions.find_one({"_id": region_code})
        cycle = self.cycles.find_one({"_id": cycle_id})
        if region is None or cycle is None:
            return None
        campaigns = list(self.campaigns.find({"region_code": region_code, "cycle_id": cycle_id}))
        assessed = [c for c in campaigns if c["audience"] in ("assessor", "self_assessment")]
        if not assessed:
            return None
        instrument = self.instruments.find_one(
            {"_id": f"{assessed[0]['instrument_key']}@{assessed[0]['instrument_version']}"}
        )
        if instrument is None:
            return None
        found = self.evidence.find_one({"_id": evidence_key(region_code, cycle_id)}) or {}
        citizen_quota = [
            c["quota_per_sub_dimension"] for c in campaigns if c["audience"] == CITIZEN
        ]
        described = ("name", "cohort", "province", "kind")
        return ev.Evidence(
            region={"code": region_code, **{k: region.get(k) for k in described}},
            cycle={"id": cycle_id, "year": cycle["year"], "cohort": cycle["cohort"],
                   "stage": cycle.get("stage")},
            questions={q["code"]: ev.Question(**q) for q in instrument["questions"]},
            assessor_scores=_assessor_scores(found.get("scores", {})),
            citizen_answers=_citizen_sums(found.get("citizens", {})),
            citizen_respondents=_respondents(found.get("citizens", {})),
            citizen_target=citizen_quota[0] if citizen_quota else 50,
            programs=tuple(_program(p) for p in self.programs.find({"region_code": region_code})
                           if p.get("name")),
            previous_final=None,
        )  # fmt: skip

    async def cycle_is_closed(self, cycle_id: str) -> bool:
        found = await self.storage.run(self.cycles.find_one, {"_id": cycle_id}, {"status": 1})
        return bool(found and found.get("status") == "closed")

    async def pairs(self) -> list[tuple[str, str]]:
        """Every (region, cycle) a cycle names."""
        cycles = await self.storage.run(lambda: list(self.cycles.find({}, {"region_codes": 1})))
        return [(code, c["_id"]) for c in cycles for code in c["region_codes"]]


def _keep_newest(collection: Collection[Any], key: str, fields: dict[str, Any], at: str) -> bool:
    current = collection.find_one({"_id": key}, {"as_of": 1})
    if current is not None and current.get("as_of", "") > at:
        return False
    collection.update_one({"_id": key}, {"$set": {**fields, "as_of": at}}, upsert=True)
    return True


def _assessor_scores(stored: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {
        unescape(code): {unescape(a): value % REVISION_SLOT for a, value in by_assessor.items()}
        for code, by_assessor in stored.items()
    }


def _citizen_sums(citizens: dict[str, Any]) -> dict[str, tuple[int, int]]:
    sums: dict[str, tuple[int, int]] = {}
    for entry in citizens.values():
        for code, value in entry["answers"].items():
            total, count = sums.get(unescape(code), (0, 0))
            sums[unescape(code)] = (total + int(value), count + 1)
    return sums


def _respondents(citizens: dict[str, Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for entry in citizens.values():
        if entry.get("sub_dimension"):
            counts[entry["sub_dimension"]] = counts.get(entry["sub_dimension"], 0) + 1
    return counts


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
