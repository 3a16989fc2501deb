"""Events as their producers publish them, for tests that hand them to a consumer.

Built from the contract's dataclasses, so a test event always has every declared field and
fails to build when the contract changes under it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from services.contracts.events import catalog, survey
from services.kernel.events import Event, envelope

TIME = "2023-09-01T00:00:00Z"
CLOSED = "2023-12-31T00:00:00Z"  # after everything else a test publishes


def published(event: Event, time: str = TIME, source: str = "/test") -> dict[str, Any]:
    return envelope(event, source, now=dt.datetime.fromisoformat(time.replace("Z", "+00:00")))


def region_registered(code: str, cohort: str, **given: Any) -> dict[str, Any]:
    fields = {"code": code, "name": f"Region {code}", "kind": "kabupaten", "province": "P",
              "cohort": cohort, "area_km2": None, "vision": ""} | given  # fmt: skip
    return published(catalog.RegionRegistered(**fields), source="/smartcity/catalog")


def cycle_opened(
    cycle_id: str, year: int, cohort: str, regions: tuple[str, ...], stage: str = "tahap_2"
) -> dict[str, Any]:
    return published(_cycle(catalog.CycleOpened, cycle_id, year, cohort, regions, stage),
                     source="/smartcity/catalog")  # fmt: skip


def cycle_closed(
    cycle_id: str, year: int, cohort: str, regions: tuple[str, ...], stage: str = "tahap_2"
) -> dict[str, Any]:
    return published(_cycle(catalog.CycleClosed, cycle_id, year, cohort, regions, stage),
                     time=CLOSED, source="/smartcity/catalog")  # fmt: skip


def _cycle(
    kind: type[catalog.CycleOpened], cycle_id: str, year: int, cohort: str,
    regions: tuple[str, ...], stage: str,
) -> catalog.CycleOpened:  # fmt: skip
    return kind(id=cycle_id, year=year, stage=stage, cohort=cohort, opens_on=f"{year}-01-01",
                closes_on=f"{year}-12-31", region_codes=regions)  # fmt: skip


def response_accepted(
    kind: survey.ResponseKind, region: str, cycle_id: str, **given: Any
) -> dict[str, Any]:
    fields = {"campaign_id": f"campaign-{region}", "region_code": region, "cycle_id": cycle_id,
              "instrument_key": "smartcity-evaluation-2023", "instrument_version": 1,
              "sub_dimension": None, "submitted_at": "2022-10-01T00:00:00Z"} | given  # fmt: skip
    return published(survey.ResponseAccepted(kind=kind, **fields), source="/smartcity/survey")


def responses_accepted(
    kind: survey.ResponseKind,
    region: str,
    cycle_id: str,
    items: list[survey.AcceptedItem],
    **given: Any,
) -> dict[str, Any]:
    """A batch as the survey publishes it, under a fresh batch id unless one is given."""
    fields = {"batch_id": uuid.uuid4().hex, "campaign_id": f"campaign-{region}",
              "region_code": region, "cycle_id": cycle_id,
              "instrument_key": "smartcity-evaluation-2023", "instrument_version": 1,
              "submitted_at": "2022-10-01T00:00:00Z"} | given  # fmt: skip
    event = survey.ResponsesAccepted(kind=kind, items=tuple(items), **fields)
    return published(event, source="/smartcity/survey")
