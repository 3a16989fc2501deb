"""Applies catalog and survey events to scoring's projection, and says which scorecards they
touch.

Entity facts keep the newest event time, assessor scores keep the highest revision, and a
citizen response (never revised) is added to its sub-dimension's sums in the same
single-document write that records its id, only when the id is not recorded yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from opentelemetry.context import Context
from pymongo.errors import DuplicateKeyError

from services.contracts.events.catalog import (
    CycleClosed,
    CycleOpened,
    CycleState,
    ProgramAdded,
    ProgramState,
    ProgramUpdated,
    ProgressReported,
    QuickWinDecided,
    QuickWinProposed,
    RegionRegistered,
    RegionState,
    RegionUpdated,
)
from services.contracts.events.survey import (
    AcceptedItem,
    AssessorRegistered,
    AssessorState,
    AssessorUpdated,
    CampaignClosed,
    CampaignOpened,
    CampaignState,
    FindingAdded,
    GivenAnswer,
    InstrumentPublished,
    ResponseAccepted,
    ResponseKind,
    ResponsesAccepted,
)
from services.kernel.event_reader import EventReader, Received
from services.kernel.events import Event
from services.kernel.mongo import Storage
from services.kernel.newest import keep_newest
from services.scoring.projection import keys
from services.scoring.projection.keys import escape

Touched = list[tuple[str, str]]  # the (region code, cycle id) pairs whose evidence changed
PROGRAM_FIELDS = ("region_code", "name", "dimension", "sub_dimension", "phase", "start_year",
                  "target_year", "planning_percent", "implementation_percent")  # fmt: skip
CAMPAIGN_FIELDS = ("instrument_key", "instrument_version", "region_code", "cycle_id",
                   "quota_per_sub_dimension")  # fmt: skip


class FactsProjector:
    reader = EventReader(
        *(RegionRegistered, RegionUpdated, CycleOpened, CycleClosed),
        *(ProgramAdded, ProgramUpdated, ProgressReported, QuickWinProposed, QuickWinDecided),
        *(InstrumentPublished, CampaignOpened, CampaignClosed, ResponseAccepted),
        ResponsesAccepted,
        *(FindingAdded, AssessorRegistered, AssessorUpdated),
    )

    def __init__(
        self, storage: Storage, on_change: Callable[[str, str, Context | None], None]
    ) -> None:
        self.storage = storage
        self.on_change = on_change
        self.stored = keys.Collections.of(storage.db)
        self._noted_groups: set[tuple[str, str]] = set()  # kept once noted
        self._cycles_of: dict[str, Touched] = {}  # each region's cycles, during one batch

    async def apply(self, received: Received[Event]) -> None:
        await self.apply_batch([received])

    async def apply_batch(self, batch: list[Received[Event]]) -> None:
        """Applies the events in order, in one call to storage; each (region, cycle) they
        touch is told once."""
        touched = await self.storage.run(self._apply_all, [(r.event, r.at) for r in batch])
        causes: dict[tuple[str, str], Context | None] = {}
        for received, pairs in zip(batch, touched, strict=True):
            causes |= dict.fromkeys(pairs, received.trace)  # the latest event's, per pair
        for (region, cycle), cause in causes.items():
            self.on_change(region, cycle, cause)

    def _apply_all(self, batch: list[tuple[Event, dt.datetime]]) -> list[Touched]:
        """The pairs each event touched, in order."""
        self._cycles_of = {}
        try:
            return [self._apply(event, at) for event, at in batch]
        finally:
            self._cycles_of = {}

    def _apply(self, event: Event, at: dt.datetime) -> Touched:
        match event:
            case RegionState():  # registered or updated
                return self._region(event, at)
            case CycleState():  # opened or closed
                return self._cycle(event, at)
            case ProgramState():  # added or updated
                return self._program(event, at)
            case ProgressReported():
                return self._progress(event)
            case QuickWinProposed() | QuickWinDecided():
                return self._quick_win(event)
            case InstrumentPublished():
                return self._instrument(event)
            case CampaignState():  # opened or closed
                return self._campaign(event, at)
            case ResponseAccepted():
                return self._response(event)
            case ResponsesAccepted():
                return self._batch(event)
            case FindingAdded():
                return self._finding(event)
            case AssessorState():  # registered or updated
                fields = {"name": event.name, "institution": event.institution}
                keep_newest(self.stored.assessors, event.id, fields, at)
        return []

    # catalog

    def _region(self, region: RegionState, at: dt.datetime) -> Touched:
        fields = {"name": region.name, "kind": region.kind, "province": region.province,
                  "cohort": region.cohort}  # fmt: skip
        if keep_newest(self.stored.regions, region.code, fields, at):
            return self._open_cycles_of(region.code)
        return []

    def _cycle(self, cycle: CycleState, at: dt.datetime) -> Touched:
        status = "closed" if isinstance(cycle, CycleClosed) else "open"
        fields = {"year": cycle.year, "cohort": cycle.cohort, "stage": cycle.stage,
                  "region_codes": list(cycle.region_codes), "status": status}  # fmt: skip
        if keep_newest(self.stored.cycles, cycle.id, fields, at):
            self._cycles_of = {}  # a region's cycles may have changed
            return [(code, cycle.id) for code in cycle.region_codes]
        return []

    def _program(self, program: ProgramState, at: dt.datetime) -> Touched:
        fields = {name: getattr(program, name) for name in PROGRAM_FIELDS}
        slot = f"programs.{escape(program.id)}"
        if keep_newest(self.stored.programs, program.region_code, fields, at, slot):
            return self._open_cycles_of(program.region_code)
        return []

    def _progress(self, progress: ProgressReported) -> Touched:
        report = {"stage": progress.stage, "percent": progress.percent,
                  "reported_on": progress.reported_on}  # fmt: skip
        program = f"programs.{escape(progress.program_id)}"
        change = {"$set": {
            f"{program}.progress.{escape(progress.report_id)}": report,
            # the program's totals after the report, as the catalog counts them
            f"{program}.planning_percent": progress.planning_percent,
            f"{program}.implementation_percent": progress.implementation_percent,
        }}  # fmt: skip
        self.stored.programs.update_one({"_id": progress.region_code}, change, upsert=True)
        return self._open_cycles_of(progress.region_code)

    def _quick_win(self, quick_win: QuickWinProposed | QuickWinDecided) -> Touched:
        slot = f"programs.{escape(quick_win.program_id)}.quick_wins.{escape(quick_win.id)}"
        change: dict[str, Any] = {f"{slot}.year": quick_win.year}
        if isinstance(quick_win, QuickWinDecided):
            change[f"{slot}.decision"] = quick_win.decision
        self.stored.programs.update_one(
            {"_id": quick_win.region_code}, {"$set": change}, upsert=True
        )
        return self._open_cycles_of(quick_win.region_code)

    def _open_cycles_of(self, region_code: str) -> Touched:
        if region_code not in self._cycles_of:
            found = self.stored.cycles.find({"region_codes": region_code}, {"_id": 1})
            self._cycles_of[region_code] = [(region_code, c["_id"]) for c in found]
        return self._cycles_of[region_code]

    # survey

    def _instrument(self, instrument: InstrumentPublished) -> Touched:
        questions = [
            {
                "code": q.code,
                "evaluation_dimension": q.evaluation_dimension,
                "smart_dimension": q.smart_dimension,
                "sub_dimension": q.sub_dimension,
                "answer_min": q.scale_min or 0,
                "answer_max": q.scale_max or 4,
            }
            for section in instrument.document.sections
            for q in section.questions
        ]
        stored = {"questions": questions}
        self.stored.instruments.replace_one({"_id": instrument.id}, stored, upsert=True)
        return []

    def _campaign(self, campaign: CampaignState, at: dt.datetime) -> Touched:
        fields = {name: getattr(campaign, name) for name in CAMPAIGN_FIELDS}
        fields["audience"] = campaign.audience.value
        key = keys.evidence_key(campaign.region_code, campaign.cycle_id)
        slot = f"campaigns.{escape(campaign.id)}"
        if keep_newest(self.stored.evidence, key, fields, at, slot):
            return [(campaign.region_code, campaign.cycle_id)]
        return []

    def _response(self, response: ResponseAccepted) -> Touched:
        region_code, cycle_id = response.region_code, response.cycle_id
        if response.kind is ResponseKind.ASSESSOR_SCORE:
            [answer] = response.answers
            key = keys.scores_key(region_code, cycle_id, answer["question_code"])
            value = response.revision * keys.REVISION_SLOT + int(answer["score"])
            slot = f"by.{escape(answer['question_code'])}.{escape(response.respondent)}"
            self.stored.evidence.update_one({"_id": key}, {"$max": {slot: value}}, upsert=True)
            return [(region_code, cycle_id)]
        if response.kind is ResponseKind.CITIZEN:
            sub_dimension = response.sub_dimension or ""
            self._note_citizen_group(region_code, cycle_id, sub_dimension)
            key = keys.citizens_key(region_code, cycle_id, sub_dimension)
            if self._add_citizen(key, response.response_id, response.answers):
                return [(region_code, cycle_id)]
        return []

    def _batch(self, batch: ResponsesAccepted) -> Touched:
        """A batch in one write per bucket it touches: a section's scores, a sub-dimension's
        citizens."""
        region_code, cycle_id = batch.region_code, batch.cycle_id
        items = list({item.response_id: item for item in batch.items}.values())
        if batch.kind is ResponseKind.ASSESSOR_SCORE:
            highest: dict[str, dict[str, int]] = {}
            for item in items:
                for answer in item.answers:
                    if answer.score is None:
                        continue
                    key = keys.scores_key(region_code, cycle_id, answer.question_code)
                    slot = f"by.{escape(answer.question_code)}.{escape(item.respondent)}"
                    value = item.revision * keys.REVISION_SLOT + answer.score
                    highest.setdefault(key, {})[slot] = value
            for key, slots in highest.items():
                self.stored.evidence.update_one({"_id": key}, {"$max": slots}, upsert=True)
            return [(region_code, cycle_id)] if highest else []
        if batch.kind is not ResponseKind.CITIZEN:
            return []
        by_group: dict[str, list[AcceptedItem]] = {}
        for item in items:
            by_group.setdefault(item.sub_dimension or "", []).append(item)
        added = False
        for sub_dimension, group in by_group.items():
            self._note_citizen_group(region_code, cycle_id, sub_dimension)
            key = keys.citizens_key(region_code, cycle_id, sub_dimension)
            added |= self._add_citizens(key, group)
        return [(region_code, cycle_id)] if added else []

    def _add_citizens(self, key: str, group: list[AcceptedItem]) -> bool:
        """Adds a sub-dimension's responses in one write when none is recorded yet; a batch
        sent again after a lost reply may repeat some, and then each is added on its own."""
        ids = [item.response_id for item in group]
        change: dict[str, Any] = {
            "$push": {"seen": {"$each": ids}},
            "$inc": _answer_sums([a for item in group for a in item.answers]) | {
                "respondents": len(group)},
        }  # fmt: skip
        try:
            result = self.stored.evidence.update_one(
                {"_id": key, "seen": {"$nin": ids}}, change, upsert=True
            )
            if result.modified_count > 0 or result.upserted_id is not None:
                return True
        except DuplicateKeyError:  # the bucket exists and has seen one of them
            pass
        added = False
        for item in group:
            answers = tuple({"question_code": a.question_code, "score": a.score}
                            for a in item.answers)  # fmt: skip
            added |= self._add_citizen(key, item.response_id, answers)
        return added

    def _finding(self, finding: FindingAdded) -> Touched:
        """Findings go into the letter, not into the numbers: no scorecard changes."""
        key = keys.evidence_key(finding.region_code, finding.cycle_id)
        slot = f"findings.{escape(finding.id)}"
        kept = {"assessor": finding.assessor, "kind": finding.kind, "text": finding.text}
        self.stored.findings.update_one({"_id": key}, {"$set": {slot: kept}}, upsert=True)
        return []

    def _note_citizen_group(self, region_code: str, cycle_id: str, sub_dimension: str) -> None:
        """Records, before any answer is added, which sums the evidence is read from."""
        key = keys.evidence_key(region_code, cycle_id)
        if (key, sub_dimension) in self._noted_groups:
            return
        change = {"$addToSet": {"citizen_groups": sub_dimension}}
        self.stored.evidence.update_one({"_id": key}, change, upsert=True)
        self._noted_groups.add((key, sub_dimension))

    def _add_citizen(self, key: str, response_id: str, answers: tuple[dict[str, Any], ...]) -> bool:
        """Adds one response to the sums unless its id is recorded already."""
        given = [GivenAnswer(a["question_code"], score=a.get("score")) for a in answers]
        change: dict[str, Any] = {
            "$push": {"seen": response_id},
            "$inc": _answer_sums(given) | {"respondents": 1},
        }
        try:
            result = self.stored.evidence.update_one(
                {"_id": key, "seen": {"$ne": response_id}}, change, upsert=True
            )
        except DuplicateKeyError:  # the bucket exists and has seen this response
            return False
        return result.modified_count > 0 or result.upserted_id is not None


def _answer_sums(answers: list[GivenAnswer]) -> dict[str, int]:
    """The increments of each question's sum and count of scored answers."""
    increments: dict[str, int] = {}
    for answer in answers:
        if isinstance(answer.score, int):
            code = escape(answer.question_code)
            increments[f"sums.{code}"] = increments.get(f"sums.{code}", 0) + answer.score
            increments[f"counts.{code}"] = increments.get(f"counts.{code}", 0) + 1
    return increments
