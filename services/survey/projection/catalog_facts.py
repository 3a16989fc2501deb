"""Regions and cycles as the catalog publishes them, kept by the survey to check a campaign's
region and cycle: the newest event's state wins."""

from __future__ import annotations

from typing import Any

from pymongo.collection import Collection

from services.contracts.events.catalog import (
    CycleClosed,
    CycleOpened,
    CycleState,
    RegionRegistered,
    RegionState,
    RegionUpdated,
)
from services.kernel.event_reader import EventReader, Received
from services.kernel.events import Event
from services.kernel.mongo import Storage
from services.kernel.newest import keep_newest
from services.survey.repository import KnownCycle, KnownRegion


class MongoCatalogFacts:
    """Regions and cycles from catalog events, newest event time wins."""

    reader = EventReader(RegionRegistered, RegionUpdated, CycleOpened, CycleClosed)

    def __init__(self, db: Any, storage: Storage) -> None:
        self.regions: Collection[Any] = db["catalog_regions"]
        self.cycles: Collection[Any] = db["catalog_cycles"]
        self.storage = storage

    async def region(self, code: str) -> KnownRegion | None:
        found = await self.storage.run(self.regions.find_one, {"_id": code})
        return KnownRegion(found["_id"], found["name"], found["cohort"]) if found else None

    async def cycle(self, cycle_id: str) -> KnownCycle | None:
        found = await self.storage.run(self.cycles.find_one, {"_id": cycle_id})
        if not found:
            return None
        return KnownCycle(
            found["_id"],
            found["year"],
            found["cohort"],
            tuple(found["region_codes"]),
            found["status"],
        )

    async def apply(self, received: Received[Event]) -> None:
        match received.event:
            case CycleState() as cycle:  # opened or closed
                status = "closed" if isinstance(cycle, CycleClosed) else "open"
                fact = {"year": cycle.year, "cohort": cycle.cohort,
                        "region_codes": list(cycle.region_codes), "status": status}  # fmt: skip
                await self.storage.run(keep_newest, self.cycles, cycle.id, fact, received.at)
            case RegionState() as region:  # registered or updated
                fact = {"name": region.name, "cohort": region.cohort}
                await self.storage.run(keep_newest, self.regions, region.code, fact, received.at)
