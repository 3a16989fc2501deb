"""What a catalog resolver sees: the caller, the repositories and this request's loaders."""

from __future__ import annotations

from dataclasses import dataclass, field

from strawberry.dataloader import DataLoader

from services.catalog import domain
from services.catalog.repository import Catalog
from services.kernel.auth import Principal
from services.kernel.graphql import RequestContext, keyed_loader


@dataclass
class Loaders:
    regions: DataLoader[str, domain.Region | None]
    programs: DataLoader[str, domain.Program | None]
    masterplans: DataLoader[str, domain.Masterplan | None]
    cycles: DataLoader[str, domain.EvaluationCycle | None]


@dataclass
class CatalogContext(RequestContext):
    catalog: Catalog = field(kw_only=True)


def make_context(catalog: Catalog, principal: Principal) -> CatalogContext:
    loaders = Loaders(
        regions=keyed_loader(catalog.regions.get_many, lambda r: r.code),
        programs=keyed_loader(catalog.programs.get_many, lambda p: p.id),
        masterplans=keyed_loader(catalog.masterplans.get_many, lambda m: m.id),
        cycles=keyed_loader(catalog.cycles.get_many, lambda c: c.id),
    )
    return CatalogContext(principal=principal, loaders=loaders, catalog=catalog)
