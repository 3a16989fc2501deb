"""Checks the catalog's aggregates share."""

from __future__ import annotations

import re

from services.kernel.errors import ProblemCollector

REGION_CODE = re.compile(r"^[0-9]{2}\.[0-9]{2}\Z")
COHORT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}\Z")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def check_year(problems: ProblemCollector, name: str, year: int) -> None:
    problems.check(
        FIRST_YEAR <= year <= LAST_YEAR, name, f"{name} must be {FIRST_YEAR}-{LAST_YEAR}"
    )
