"""Regions and their masterplans."""

from __future__ import annotations

from services.catalog import access, commands, domain
from services.catalog.repository import Catalog
from services.kernel import ids
from services.kernel.auth import Principal
from services.kernel.repository import added, change, require


async def create_region(
    cmd: commands.CreateRegion, principal: Principal, catalog: Catalog
) -> domain.Region:
    access.require_admin(principal)
    return await added(catalog.regions, domain.Region.register(**vars(cmd)))


async def update_region(
    cmd: commands.Update, principal: Principal, catalog: Catalog
) -> domain.Region:
    access.require_region_change(principal, cmd.key, cmd.changes)
    return await change(catalog.regions, cmd.key, "region", "code", lambda r: r.update(cmd.changes))


async def create_masterplan(
    cmd: commands.CreateMasterplan, principal: Principal, catalog: Catalog
) -> domain.Masterplan:
    access.require_writer_of(principal, cmd.region_code)
    await require(catalog.regions, cmd.region_code, "region", "regionCode")
    return await added(catalog.masterplans, domain.Masterplan.create(id=ids.new_id(), **vars(cmd)))
