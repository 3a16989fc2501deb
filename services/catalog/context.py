"""What a catalog resolver sees: the caller, the repositories and this request's loaders."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from strawberry.dataloader import DataLoader

from services.catalog import domain
from services.catalog.repository import Catalog
from services.kernel.auth import Principal
from services.kernel.graphql import RequestContext, keyed_loader, paged_loader
from services.kernel.repository import Page, every

PageOf = DataLoader[tuple[str, Any, Page], list[Any]]  # (parent key, filter, page) -> items


@dataclass
class Loaders:
    """Each kind of data read for a whole page of parents at once."""

    regions: DataLoader[str, domain.Region | None]
    programs: DataLoader[str, domain.Program | None]
    masterplans: DataLoader[str, domain.Masterplan | None]
    cycles: DataLoader[str, domain.EvaluationCycle | None]
    masterplans_of_region: PageOf
    programs_of_region: PageOf
    programs_of_masterplan: PageOf
    quick_wins_of_region: PageOf
    quick_wins_of_program: PageOf


@dataclass
class CatalogContext(RequestContext):
    catalog: Catalog = field(kw_only=True)


Listed = Callable[[Any, Page], Awaitable[list[Any]]]  # a repository's `list`


def _listing(listed: Listed, narrowed: Callable[[Any, tuple[str, ...]], Any]) -> Any:
    """The listing `paged_loader` reads from: the first `most` items of the filter narrowed to
    the keys asked (the regions of a page, say), after the key `after`."""

    async def of(keys: tuple[str, ...], where: Any, after: str | None, most: int) -> list[Any]:
        asked = narrowed(where, keys)
        return await every(lambda page: listed(asked, page), lambda item: item.id, after, most)

    return of


def _within(field: str) -> Callable[[Any, tuple[str, ...]], Any]:
    return lambda where, keys: dataclasses.replace(where, **{field: keys})


def _pages_of_parents(catalog: Catalog) -> dict[str, PageOf]:
    masterplans = _listing(catalog.masterplans.list, lambda _, codes: codes)
    programs, quick_wins = catalog.programs.list, catalog.quick_wins.list
    return {
        "masterplans_of_region": paged_loader(masterplans, lambda m: m.region_code),
        "programs_of_region": paged_loader(
            _listing(programs, _within("region_codes")), lambda p: p.region_code
        ),
        "programs_of_masterplan": paged_loader(
            _listing(programs, _within("masterplan_ids")), lambda p: p.masterplan_id
        ),
        "quick_wins_of_region": paged_loader(
            _listing(quick_wins, _within("region_codes")), lambda q: q.region_code
        ),
        "quick_wins_of_program": paged_loader(
            _listing(quick_wins, _within("program_ids")), lambda q: q.program_id
        ),
    }


def make_context(catalog: Catalog, principal: Principal) -> CatalogContext:
    loaders = Loaders(
        regions=keyed_loader(catalog.regions.get_many, lambda r: r.code),
        programs=keyed_loader(catalog.programs.get_many, lambda p: p.id),
        masterplans=keyed_loader(catalog.masterplans.get_many, lambda m: m.id),
        cycles=keyed_loader(catalog.cycles.get_many, lambda c: c.id),
        **_pages_of_parents(catalog),
    )
    return CatalogContext(principal=principal, loaders=loaders, catalog=catalog)
