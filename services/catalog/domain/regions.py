"""Regions (kabupaten and kota) and their smart city masterplans."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Self

from services.catalog.domain import base
from services.contracts.events.catalog import MasterplanCreated, RegionRegistered, RegionUpdated
from services.kernel.aggregate import Aggregate
from services.kernel.errors import ProblemCollector


class RegionKind(StrEnum):
    KABUPATEN = "kabupaten"
    KOTA = "kota"


class MasterplanStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


@dataclass(kw_only=True)
class RegionFields:
    """What a region is: declared once for its document, GraphQL type and command."""

    code: str
    name: str
    kind: RegionKind
    province: str
    cohort: str
    area_km2: float | None = None
    vision: str = ""


@dataclass(kw_only=True)
class Region(Aggregate, RegionFields):
    EDITABLE = ("name", "kind", "province", "cohort", "area_km2", "vision")

    def validate(self) -> None:
        problems = ProblemCollector()
        problems.check(bool(base.REGION_CODE.match(self.code)), "code", "code must look like 12.07")
        problems.text("name", self.name, 120)
        problems.text("province", self.province, 120)
        problems.check(
            bool(base.COHORT.match(self.cohort)), "cohort", "cohort must be a short slug"
        )
        if self.area_km2 is not None:
            problems.check(0 < self.area_km2 < 1e6, "areaKm2", "areaKm2 must be positive")
        problems.check(len(self.vision) <= 2000, "vision", "vision is too long")
        problems.raise_if_any()

    @classmethod
    def register(cls, **values: Any) -> Self:
        region = cls(**values)
        region.validate()
        region.events.append(RegionRegistered.of(region))
        return region

    def update(self, changes: dict[str, Any]) -> None:
        changed = self._apply(changes, self.EDITABLE)
        self.validate()
        if changed:
            self.events.append(RegionUpdated.of(self, changed=changed))


@dataclass(kw_only=True)
class MasterplanFields:
    """What a masterplan is: declared once for its document and GraphQL type."""

    id: str
    region_code: str
    period_start: int
    period_end: int
    title: str
    legal_basis: str = ""
    status: MasterplanStatus = MasterplanStatus.ACTIVE


@dataclass(kw_only=True)
class Masterplan(Aggregate, MasterplanFields):
    @classmethod
    def create(cls, **values: Any) -> Self:
        plan = cls(**values)
        problems = ProblemCollector()
        problems.text("title", plan.title)
        base.check_year(problems, "periodStart", plan.period_start)
        base.check_year(problems, "periodEnd", plan.period_end)
        problems.check(
            plan.period_end >= plan.period_start, "periodEnd", "periodEnd is before periodStart"
        )
        problems.raise_if_any()
        plan.events.append(MasterplanCreated.of(plan))
        return plan
