"""What survey use cases ask of storage: repositories, filters and the catalog facts it keeps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, TypeVar

from services.kernel.aggregate import Aggregate
from services.kernel.event_reader import EventReader, Received
from services.kernel.events import Event
from services.kernel.repository import Page, Repository
from services.survey import domain

A = TypeVar("A", bound=Aggregate)

__all__ = ["CampaignFilter", "CatalogFacts", "Page", "Responses", "Scores", "Survey"]


@dataclass(frozen=True)
class CampaignFilter:
    region_codes: tuple[str, ...] | None = None
    cycle_id: str | None = None
    audience: domain.Audience | None = None
    status: domain.CampaignStatus | None = None
    instrument_key: str | None = None


@dataclass(frozen=True)
class ScoreFilter:
    campaign_id: str | None = None
    region_code: str | None = None
    cycle_id: str | None = None
    assessor: str | None = None


@dataclass(frozen=True)
class AssignmentFilter:
    cycle_id: str | None = None
    assessor: str | None = None  # assignments that name this assessor


@dataclass(frozen=True)
class AssessorFilter:
    institution: str | None = None


@dataclass(frozen=True)
class FindingsFilter:
    region_code: str
    cycle_id: str


class AddedTogether(Repository[A], Protocol):
    async def add_many(self, aggregates: list[A]) -> list[bool]:
        """New aggregates in one write: whether each was added, or its key was taken."""
        ...


class Responses(AddedTogether[domain.Response], Protocol):
    async def of_campaign(self, campaign_id: str, page: Page) -> list[domain.Response]: ...
    async def respondents_by_sub_dimension(self, campaign_id: str) -> dict[str, int]: ...
    async def counts(self, campaign_ids: list[str]) -> dict[str, int]:
        """How many responses each of these campaigns holds (those with none left out)."""
        ...


class Scores(AddedTogether[domain.AssessorScore], Protocol):
    async def counts(self, campaign_ids: list[str]) -> dict[tuple[str, str], int]:
        """How many questions each assessor has scored, by campaign and assessor."""
        ...


@dataclass(frozen=True)
class KnownRegion:
    code: str
    name: str
    cohort: str


@dataclass(frozen=True)
class KnownCycle:
    id: str
    year: int
    cohort: str
    region_codes: tuple[str, ...]
    status: str


class CatalogFacts(Protocol):
    """The catalog's regions and cycles as the survey learnt them from catalog events."""

    async def region(self, code: str) -> KnownRegion | None: ...
    async def cycle(self, cycle_id: str) -> KnownCycle | None: ...
    @property
    def reader(self) -> EventReader: ...

    async def apply(self, received: Received[Event]) -> None: ...


@dataclass
class Survey:
    """The survey's repositories, handed to use cases together."""

    instruments: Repository[domain.Instrument]
    campaigns: Repository[domain.Campaign]
    responses: Responses
    scores: Scores
    assignments: Repository[domain.Assignment]
    assessors: Repository[domain.Assessor]
    findings: Repository[domain.Findings]
    batches: Repository[domain.AcceptedBatch]
    facts: CatalogFacts
