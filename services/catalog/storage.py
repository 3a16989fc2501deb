"""The catalog's MongoDB storage: each aggregate's private document, derived from its
dataclass, with the indexes its queries use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mongoengine as me

from services.catalog import domain
from services.catalog.repository import Catalog, ProgramFilter
from services.kernel import errors
from services.kernel.docstore import StoredAggregate, aggregate_collections
from services.kernel.mongo import Storage
from services.kernel.outbox import Written
from services.kernel.repository import MongoRepository, enum_value, given
from services.kernel.stored import StoredForm

ALIAS = "catalog"
SOURCE = "/smartcity/catalog"


class _Stored(StoredAggregate):
    meta = {"abstract": True, "db_alias": ALIAS}


REGIONS = StoredForm(
    domain.Region, _Stored, collection="regions", key="code", indexes=["province", "cohort"]
)
MASTERPLANS = StoredForm(
    domain.Masterplan, _Stored, collection="masterplans", indexes=["region_code"]
)
PROGRAMS = StoredForm(
    domain.Program, _Stored, collection="programs",
    indexes=["region_code", "masterplan_id", "dimension", "phase"],
)  # fmt: skip
QUICK_WINS = StoredForm(
    domain.QuickWin, _Stored, collection="quick_wins",
    indexes=[{"fields": ["program_id", "year"], "unique": True}, "region_code"],
)  # fmt: skip
CYCLES = StoredForm(
    domain.EvaluationCycle, _Stored, collection="evaluation_cycles",
    indexes=[{"fields": ["year", "stage", "cohort"], "unique": True}],
)  # fmt: skip


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
    store = aggregate_collections(storage, SOURCE, on_write)

    return Catalog(
        regions=MongoRepository(
            REGIONS,
            store,
            query_of=lambda w: given(province=w.province, cohort=w.cohort, kind=enum_value(w.kind)),
            duplicate=lambda r: errors.Conflict(f"region {r.code} already exists", "code"),
        ),
        masterplans=MongoRepository(
            MASTERPLANS,
            store,
            query_of=lambda region_code: given(region_code=region_code),
            duplicate=lambda m: errors.Conflict(f"masterplan {m.id} already exists", "id"),
        ),
        programs=MongoRepository(
            PROGRAMS,
            store,
            query_of=_program_query,
            duplicate=lambda p: errors.Conflict(f"program {p.id} already exists", "id"),
        ),
        quick_wins=MongoRepository(
            QUICK_WINS,
            store,
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
            CYCLES,
            store,
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


DOCUMENTS: tuple[type[me.Document], ...] = tuple(
    form.document for form in (REGIONS, MASTERPLANS, PROGRAMS, QUICK_WINS, CYCLES)
)
