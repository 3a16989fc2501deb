"""The catalog's MongoDB storage: each aggregate's private document, derived from its
dataclass, with the indexes its queries use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mongoengine as me

from services.catalog import domain
from services.catalog.repository import Catalog, ProgramFilter, QuickWinFilter
from services.kernel import errors
from services.kernel.docstore import StoredAggregate, aggregate_collections
from services.kernel.mongo import Storage
from services.kernel.outbox import Written
from services.kernel.repository import MongoRepository, duplicate_id, given, matching
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
        dimension=where.dimension,
        sub_dimension=where.sub_dimension,
        phase=where.phase.value if where.phase else None,
    )
    if where.region_codes is not None:
        query["region_code"] = {"$in": list(where.region_codes)}
    if where.masterplan_ids is not None:
        query["masterplan_id"] = {"$in": list(where.masterplan_ids)}
    if where.year is not None:
        query["start_year"] = {"$lte": where.year}
        query["target_year"] = {"$gte": where.year}
    return query


def _quick_win_query(where: QuickWinFilter) -> dict[str, Any]:
    query = given(year=where.year, status=where.status.value if where.status else None)
    if where.region_codes is not None:
        query["region_code"] = {"$in": list(where.region_codes)}
    if where.program_ids is not None:
        query["program_id"] = {"$in": list(where.program_ids)}
    return query


def mongo_catalog(
    storage: Storage, on_write: Callable[[Written], None] = lambda _: None
) -> Catalog:
    store = aggregate_collections(storage, SOURCE, on_write)

    return Catalog(
        regions=MongoRepository(REGIONS, store, query_of=matching, duplicate=_region_taken),
        masterplans=MongoRepository(
            MASTERPLANS, store, query_of=lambda codes: {"region_code": {"$in": list(codes)}},
            duplicate=duplicate_id("masterplan"),
        ),
        programs=MongoRepository(
            PROGRAMS, store, query_of=_program_query, duplicate=duplicate_id("program")
        ),
        quick_wins=MongoRepository(
            QUICK_WINS, store, query_of=_quick_win_query, duplicate=_already_proposed
        ),
        cycles=MongoRepository(CYCLES, store, query_of=matching, duplicate=_cycle_taken),
    )  # fmt: skip


def _region_taken(region: domain.Region) -> errors.Conflict:
    return errors.Conflict(f"region {region.code} already exists", "code")


def _already_proposed(proposal: domain.QuickWin) -> errors.Conflict:
    return errors.Conflict(
        f"program {proposal.program_id} is already proposed as a quick win for {proposal.year}",
        "programId",
    )


def _cycle_taken(cycle: domain.EvaluationCycle) -> errors.Conflict:
    return errors.Conflict(
        f"a {cycle.stage} cycle for cohort {cycle.cohort} in {cycle.year} already exists", "stage"
    )


DOCUMENTS: tuple[type[me.Document], ...] = tuple(
    form.document for form in (REGIONS, MASTERPLANS, PROGRAMS, QUICK_WINS, CYCLES)
)
