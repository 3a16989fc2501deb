"""A sheet of programs, checked whole before any is added, as regions keep them today.

Columns (header names are case-insensitive; `_` and `-` read as spaces): region, name,
dimension, sub dimension, agency, start year, target year; optionally long name, short
name, description, phase and funding (comma-separated: apbd, apbn, private, community,
other). A program goes into the region's masterplan whose period covers its start year.
A region's program already there under the same name is skipped, so a run can be repeated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.cli.spreadsheets import Sheet
from services.kernel.graphql_client import GraphQLClient
from services.messages import _

REQUIRED = ("region", "name", "dimension", "sub dimension", "agency", "start year", "target year")
PHASES = ("planning", "implementation", "operation", "completed")
FUNDING = ("apbd", "apbn", "private", "community", "other")
DIMENSIONS = "{ dimensions { key subDimensions { key } } }"
REGION = """query($code: String!) { region(code: $code) {
  masterplans { id periodStart periodEnd } programs(first: 500) { name } } }"""
ADD_PROGRAM = "mutation($i: AddProgramInput!) { addProgram(input: $i) { id } }"


@dataclass
class ImportReport:
    added: int = 0
    skipped: int = 0


def _year(text: str) -> int | None:
    return int(text) if text.strip().isascii() and text.strip().isdigit() else None


class ProgramSheet:
    def __init__(self, sheet: Sheet) -> None:
        self.columns, self.rows = sheet.columns, sheet.rows
        self._regions: dict[str, dict[str, Any]] = {}

    async def check(self, gateway: GraphQLClient) -> list[str]:
        """Every problem of the sheet, each naming its row (as numbered in the file) and column."""
        missing = [c for c in REQUIRED if c not in self.columns]
        if missing:
            return [_("missing columns: {columns}").format(columns=", ".join(missing))]
        if not self.rows:
            return [_("no programs in the file")]
        known = {d["key"]: {s["key"] for s in d["subDimensions"]}
                 for d in (await gateway(DIMENSIONS))["dimensions"]}  # fmt: skip
        problems = []
        for number, row in enumerate(self.rows, start=2):
            problems += [
                _("row {number}, {problem}").format(number=number, problem=p)
                for p in await self._row_problems(row, known, gateway)
            ]
        return problems

    async def _row_problems(
        self, row: dict[str, str], known: dict[str, set[str]], gateway: GraphQLClient
    ) -> list[str]:
        problems = [_("{column}: required").format(column=c) for c in REQUIRED if not row.get(c)]
        start, target = _year(row.get("start year", "")), _year(row.get("target year", ""))
        if row.get("start year") and start is None:
            problems.append(_("start year: not a year"))
        if row.get("target year") and target is None:
            problems.append(_("target year: not a year"))
        if start and target and target < start:
            problems.append(_("target year: before the start year"))
        dimension, sub = row.get("dimension", "").lower(), row.get("sub dimension", "").lower()
        if dimension and dimension not in known:
            problems.append(
                _("dimension: {given!r} is not one of {known}").format(
                    given=dimension, known=", ".join(sorted(known))
                )
            )
        elif sub and sub not in known.get(dimension, set()):
            problems.append(
                _("sub dimension: {given!r} is not a sub-dimension of {dimension}").format(
                    given=sub, dimension=dimension
                )
            )
        if row.get("phase") and row["phase"].lower() not in PHASES:
            problems.append(
                _("phase: {given!r} is not one of {known}").format(
                    given=row["phase"], known=", ".join(PHASES)
                )
            )
        for source in self._funding(row):
            if source not in FUNDING:
                problems.append(
                    _("funding: {given!r} is not one of {known}").format(
                        given=source, known=", ".join(FUNDING)
                    )
                )
        code = row.get("region", "")
        region = await self._region(code, gateway) if code else None
        if code and region is None:
            problems.append(_("region: {code} does not exist").format(code=code))
        elif region and start and self._masterplan(region, start) is None:
            problems.append(_("region: {code} has no masterplan").format(code=code))
        return problems

    @staticmethod
    def _funding(row: dict[str, str]) -> list[str]:
        return [s.strip().lower() for s in row.get("funding", "").split(",") if s.strip()]

    async def _region(self, code: str, gateway: GraphQLClient) -> dict[str, Any] | None:
        if code not in self._regions:
            self._regions[code] = (await gateway(REGION, {"code": code}))["region"]
        return self._regions[code]

    @staticmethod
    def _masterplan(region: dict[str, Any], start: int) -> str | None:
        plans = sorted(region["masterplans"], key=lambda p: p["periodStart"])
        covering = [p for p in plans if p["periodStart"] <= start <= p["periodEnd"]]
        chosen = (covering or plans[-1:] or [None])[-1]
        return chosen["id"] if chosen else None

    async def load(self, gateway: GraphQLClient) -> ImportReport:
        """Adds each program not yet in its region; call after check() found no problem."""
        report = ImportReport()
        for row in self.rows:
            region = await self._region(row["region"], gateway)
            assert region is not None
            existing = {p["name"] for p in region["programs"]}
            if row["name"] in existing:
                report.skipped += 1
                continue
            start = int(row["start year"])
            program = {
                "masterplanId": self._masterplan(region, start),
                "name": row["name"],
                "longName": row.get("long name", ""),
                "shortName": row.get("short name", ""),
                "description": row.get("description", ""),
                "dimension": row["dimension"].lower(),
                "subDimension": row["sub dimension"].lower(),
                "agency": row["agency"],
                "startYear": start,
                "targetYear": int(row["target year"]),
                "phase": (row.get("phase") or "planning").upper(),
                "fundingSources": [s.upper() for s in self._funding(row)],
            }
            await gateway(ADD_PROGRAM, {"i": program})
            region["programs"].append({"name": row["name"]})
            report.added += 1
        return report
