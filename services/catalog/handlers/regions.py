"""Regions and their masterplans."""

from __future__ import annotations

from services.catalog import commands, domain
from services.catalog.repository import Catalog
from services.kernel import ids
from services.kernel.auth import Principal, Role
from services.kernel.repository import added, change, require


async def create_region(
    cmd: commands.CreateRegion, principal: Principal, catalog: Catalog
) -> domain.Region:
    principal.require_role(Role.ADMIN)
    return await added(catalog.regions, domain.Region.register(**vars(cmd)))


async def update_region(
    cmd: commands.Update, principal: Principal, catalog: Catalog
) -> domain.Region:
    principal.require_region_writer(cmd.key, "code")
    if "cohort" in cmd.changes:
        principal.require_role(Role.ADMIN)
    return await change(catalog.regions, cmd.key, "region", "code", lambda r: r.update(cmd.changes))


async def create_masterplan(
    cmd: commands.CreateMasterplan, principal: Principal, catalog: Catalog
) -> domain.Masterplan:
    principal.require_region_writer(cmd.region_code)
    await require(catalog.regions, cmd.region_code, "region", "regionCode")
    return await added(catalog.masterplans, domain.Masterplan.create(id=ids.new_id(), **vars(cmd)))
