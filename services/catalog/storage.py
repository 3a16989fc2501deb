"""The catalog's MongoDB storage: private documents mapped to and from the aggregates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import mongoengine as me

from services.catalog import domain
from services.catalog.repository import Catalog, ProgramFilter
from services.kernel import errors
from services.kernel.docstore import AggregateCollection, StoredAggregate
from services.kernel.mongo import Storage
from services.kernel.outbox import Written
from services.kernel.repository import MongoRepository, document_fields, enum_value, given

ALIAS = "catalog"
SOURCE = "/smartcity/catalog"


class _Stored(StoredAggregate):
    meta = {"abstract": True, "db_alias": ALIAS}


class _RegionDocument(_Stored):
    meta = {"collection": "regions", "indexes": ["province", "cohort"]}
    code = me.StringField(primary_key=True)
    name = me.StringField(required=True)
    kind = me.EnumField(domain.RegionKind, required=True)
    province = me.StringField(required=True)
    cohort = me.StringField(required=True)
    area_km2 = me.FloatField(null=True)
    vision = me.StringField(default="")


class _MasterplanDocument(_Stored):
    meta = {"collection": "masterplans", "indexes": ["region_code"]}
    id = me.StringField(primary_key=True)
    region_code = me.StringField(required=True)
    period_start = me.IntField(required=True)
    period_end = me.IntField(required=True)
    title = me.StringField(required=True)
    legal_basis = me.StringField(default="")
    status = me.EnumField(domain.MasterplanStatus, required=True)


class _ProgramDocument(_Stored):
    meta = {
        "collection": "programs",
        "indexes": ["region_code", "masterplan_id", "dimension", "phase"],
    }
    id = me.StringField(primary_key=True)
    masterplan_id = me.StringField(required=True)
    region_code = me.StringField(required=True)
    name = me.StringField(required=True)
    short_name = me.StringField(default="")
    long_name = me.StringField(default="")
    description = me.StringField(default="")
    dimension = me.StringField(required=True)
    sub_dimension = me.StringField(required=True)
    agency = me.StringField(required=True)
    start_year = me.IntField(required=True)
    target_year = me.IntField(required=True)
    phase = me.EnumField(domain.ProgramPhase, required=True)
    funding_sources = me.ListField(me.EnumField(domain.FundingSource))
    progress_reports = me.ListField(me.DictField())
    planning_percent = me.FloatField(default=0)
    implementation_percent = me.FloatField(default=0)


class _QuickWinDocument(_Stored):
    meta = {
        "collection": "quick_wins",
        "indexes": [{"fields": ["program_id", "year"], "unique": True}, "region_code"],
    }
    id = me.StringField(primary_key=True)
    region_code = me.StringField(required=True)
    program_id = me.StringField(required=True)
    year = me.IntField(required=True)
    rationale = me.StringField(default="")
    status = me.EnumField(domain.QuickWinStatus, required=True)
    reason = me.StringField(default="")
    proposed_by = me.StringField(default="")
    decided_by = me.StringField(default="")


class _CycleDocument(_Stored):
    meta = {
        "collection": "evaluation_cycles",
        "indexes": [{"fields": ["year", "stage", "cohort"], "unique": True}],
    }
    id = me.StringField(primary_key=True)
    year = me.IntField(required=True)
    stage = me.EnumField(domain.CycleStage, required=True)
    cohort = me.StringField(required=True)
    opens_on = me.DateField(required=True)
    closes_on = me.DateField(required=True)
    region_codes = me.ListField(me.StringField())
    status = me.EnumField(domain.CycleStatus, required=True)


def _report_to_son(report: domain.ProgressReport) -> dict[str, Any]:
    return {
        "id": report.id,
        "stage": report.stage.value,
        "percent": report.percent,
        "reported_on": report.reported_on.isoformat(),
        "note": report.note,
        "evidence": list(report.evidence),
        "reported_by": report.reported_by,
    }


def _report_from_son(son: dict[str, Any]) -> domain.ProgressReport:
    return domain.ProgressReport(
        id=son["id"],
        stage=domain.ProgressStage(son["stage"]),
        percent=son["percent"],
        reported_on=dt.date.fromisoformat(son["reported_on"]),
        note=son.get("note", ""),
        evidence=tuple(son.get("evidence", ())),
        reported_by=son.get("reported_by", ""),
    )


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _program_document(program: domain.Program) -> _ProgramDocument:
    state = program.state()
    state["funding_sources"] = list(program.funding_sources)
    state["progress_reports"] = [_report_to_son(r) for r in program.progress_reports]
    state["planning_percent"] = program.planning_percent
    state["implementation_percent"] = program.implementation_percent
    return _ProgramDocument(**state)


def _program_domain(document: _ProgramDocument) -> domain.Program:
    values = document_fields(document, domain.Program)
    values["funding_sources"] = tuple(document.funding_sources)
    values["progress_reports"] = [_report_from_son(r) for r in document.progress_reports]
    return domain.Program(**values)


def _cycle_domain(document: _CycleDocument) -> domain.EvaluationCycle:
    values = document_fields(document, domain.EvaluationCycle)
    values["opens_on"] = _as_date(document.opens_on)
    values["closes_on"] = _as_date(document.closes_on)
    values["region_codes"] = tuple(document.region_codes)
    return domain.EvaluationCycle(**values)


def _program_query(where: ProgramFilter) -> dict[str, Any]:
    query = given(
        masterplan_id=where.masterplan_id,
        dimension=where.dimension,
        sub_dimension=where.sub_dimension,
        phase=where.phase.value if where.phase else None,
    )
    if where.region_codes is not None:
        query["region_code"] = {"$in": list(where.region_codes)}
    if where.year is not None:
        query["start_year"] = {"$lte": where.year}
        query["target_year"] = {"$gte": where.year}
    return query


def mongo_catalog(
    storage: Storage, on_write: Callable[[Written], None] = lambda _: None
) -> Catalog:
    def store(document: type[me.Document]) -> AggregateCollection[Any]:
        return AggregateCollection(document, storage, SOURCE, on_write)

    return Catalog(
        regions=MongoRepository(
            store(_RegionDocument),
            to_document=lambda r: _RegionDocument(**r.state()),
            to_domain=lambda d: domain.Region(**document_fields(d, domain.Region)),
            query_of=lambda w: given(province=w.province, cohort=w.cohort, kind=enum_value(w.kind)),
            duplicate=lambda r: errors.Conflict(f"region {r.code} already exists", "code"),
        ),
        masterplans=MongoRepository(
            store(_MasterplanDocument),
            to_document=lambda m: _MasterplanDocument(**m.state()),
            to_domain=lambda d: domain.Masterplan(**document_fields(d, domain.Masterplan)),
            query_of=lambda region_code: given(region_code=region_code),
            duplicate=lambda m: errors.Conflict(f"masterplan {m.id} already exists", "id"),
        ),
        programs=MongoRepository(
            store(_ProgramDocument),
            to_document=_program_document,
            to_domain=_program_domain,
            query_of=_program_query,
            duplicate=lambda p: errors.Conflict(f"program {p.id} already exists", "id"),
        ),
        quick_wins=MongoRepository(
            store(_QuickWinDocument),
            to_document=lambda q: _QuickWinDocument(**q.state()),
            to_domain=lambda d: domain.QuickWin(**document_fields(d, domain.QuickWin)),
            query_of=lambda w: given(
                region_code=w.region_code,
                program_id=w.program_id,
                year=w.year,
                status=enum_value(w.status),
            ),
            duplicate=lambda q: errors.Conflict(
                f"program {q.program_id} is already proposed as a quick win for {q.year}",
                "programId",
            ),
        ),
        cycles=MongoRepository(
            store(_CycleDocument),
            to_document=lambda c: _CycleDocument(**c.state()),
            to_domain=_cycle_domain,
            query_of=lambda w: given(
                year=w.year,
                stage=enum_value(w.stage),
                cohort=w.cohort,
                status=enum_value(w.status),
            ),
            duplicate=lambda c: errors.Conflict(
                f"a {c.stage} cycle for cohort {c.cohort} in {c.year} already exists", "stage"
            ),
        ),
    )


DOCUMENTS: tuple[type[me.Document], ...] = (
    _RegionDocument,
    _MasterplanDocument,
    _ProgramDocument,
    _QuickWinDocument,
    _CycleDocument,
)
