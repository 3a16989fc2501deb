"""A sheet of cohorts (columns region, cohort), checked whole, for the national list."""

from __future__ import annotations

import re

from services.cli.spreadsheets import Sheet
from services.messages import _

COHORT_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}\Z")  # as the catalog takes cohorts


def cohorts_of(sheet: Sheet | None, known: set[str]) -> tuple[dict[str, str], list[str]]:
    """Each listed region's cohort, and what is wrong with the sheet, by row and column."""
    if sheet is None:
        return {}, []
    missing = [c for c in ("region", "cohort") if c not in sheet.columns]
    if missing:
        return {}, [_("missing columns: {columns}").format(columns=", ".join(missing))]
    cohorts, problems = {}, []
    for number, row in enumerate(sheet.rows, start=2):
        code, cohort = row.get("region", "").strip(), row.get("cohort", "").strip()
        if code not in known:
            problems.append(
                _("row {number}, region: {code!r} is not a regency or city code").format(
                    number=number, code=code
                )
            )
        elif code in cohorts:
            problems.append(
                _("row {number}, region: {code} is listed twice").format(number=number, code=code)
            )
        if not COHORT_SLUG.match(cohort):
            problems.append(
                _("row {number}, cohort: {cohort!r} is not a cohort (a short slug)").format(
                    number=number, cohort=cohort
                )
            )
        cohorts[code] = cohort
    return cohorts, problems
