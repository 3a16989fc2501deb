"""A program's progress, as the catalog records it and scoring reads it: one definition of
what "planning at 60% by 31 October" means."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class ProgressStage(StrEnum):
    PLANNING = "planning"
    IMPLEMENTATION = "implementation"


class Reported(Protocol):
    @property
    def stage(self) -> str: ...
    @property
    def percent(self) -> float: ...
    @property
    def reported_on(self) -> dt.date: ...


@dataclass(frozen=True)
class ProgressPoint:
    stage: str
    percent: float
    reported_on: dt.date


def percent_as_of(
    reports: Iterable[Reported], stage: ProgressStage, day: dt.date | None = None
) -> float:
    """The stage's progress on `day` (today's, when None): the percent of its report with the
    latest date on or before that day, the one recorded later winning a tie; 0 before any.
    A later report that lowers the percent (a correction) is the progress from its date."""
    latest: tuple[dt.date, int] | None = None
    percent = 0.0
    for order, report in enumerate(reports):
        if report.stage != stage or (day is not None and report.reported_on > day):
            continue
        if latest is None or (report.reported_on, order) >= latest:
            latest, percent = (report.reported_on, order), report.percent
    return percent
