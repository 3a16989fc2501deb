"""A sheet of published results, checked whole before any is imported, as the ministry
publishes them: per region and year the evaluation-dimension scores with their weights, the
final, the cohort and the document (letter number) they were published in.

Columns (header names are case-insensitive; `_` and `-` read as spaces): region, year,
cohort, final, document; for each evaluation dimension scored that year its score
(`baseline`) and its weight in percent (`baseline weight`); optionally grade. A blank score
means the dimension was not evaluated that year.

The results of a year and cohort go into that year's evaluation cycle of the cohort; when
there is none, a closed Tahap II cycle of the rows' regions is created for them.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from services.cli.cycles import Cycle
from services.cli.spreadsheets import Sheet
from services.contracts import reference
from services.contracts.reference import EvaluationDimension
from services.demo.national import every_region
from services.kernel.graphql_client import GraphQLClient, GraphQLFailure
from services.messages import _

DIMENSIONS = tuple(d.value for d in EvaluationDimension)
REQUIRED = ("region", "year", "cohort", "final", "document")
CHUNK = 500  # rows a request; the service takes up to 1,000
LEARNING_SECONDS = 30.0  # how long scoring may take to learn of a cycle just created
PUBLISHED_STAGE = reference.PUBLISHED_STAGE.name  # as GraphQL names it
CYCLES = """query($y: Int!, $c: String!) { evaluationCycles(year: $y, cohort: $c, first: 500) {
  id stage status regionCodes } }"""
CREATE_CYCLE = """mutation($i: CreateEvaluationCycleInput!) { createEvaluationCycle(input: $i) {
  id } }"""
CLOSE_CYCLE = "mutation($id: ID!) { closeEvaluationCycle(id: $id) { id } }"
IMPORT = """mutation($i: ImportPublishedResultsInput!) { importPublishedResults(input: $i) {
  imported revised unchanged
  scorecards { regionCode cycleId year flags { severity message } } } }"""
ROW_FIELD = re.compile(r"^input\.rows\[([0-9]+)\]\.?(.*)\Z")


def _column(dimension: str) -> str:
    return dimension.replace("_", " ")


@dataclass
class ResultsReport:
    imported: int = 0
    revised: int = 0
    unchanged: int = 0
    created_cycles: list[Cycle] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


@dataclass
class _Group:
    """The rows of one year and cohort, and the cycle they go into."""

    year: int
    cohort: str
    rows: list[int]  # indexes into the sheet's rows
    cycle_id: str | None = None  # None until a cycle is created for them


class ResultsSheet:
    def __init__(self, sheet: Sheet) -> None:
        self.columns, self.rows = sheet.columns, sheet.rows
        self.parsed: list[dict[str, Any]] = []
        self.groups: list[_Group] = []

    async def check(self, gateway: GraphQLClient) -> list[str]:
        """Every problem of the sheet, each naming its row (as numbered in the file) and
        column; the service checks each row as it would import it, storing nothing."""
        missing = [c for c in REQUIRED if c not in self.columns]
        if missing:
            return [_("missing columns: {columns}").format(columns=", ".join(missing))]
        if not self.rows:
            return ["no results in the file"]
        problems = []
        for number, row in enumerate(self.rows, start=2):
            parsed, found = _parse(row)
            self.parsed.append(parsed)
            problems += [
                _("row {number}, {problem}").format(number=number, problem=p) for p in found
            ]
        if problems:
            return problems
        known = {r["code"] for r in await every_region(gateway, "code")}
        problems += [
            _("row {number}, column region: region {code} is not registered").format(
                number=n, code=p["regionCode"]
            )
            for n, p in enumerate(self.parsed, start=2)
            if p["regionCode"] not in known
        ]
        if problems:
            return problems
        problems += await self._place(gateway)
        return problems or await self._dry_run(gateway)

    async def _place(self, gateway: GraphQLClient) -> list[str]:
        """Each year and cohort's cycle: an existing one that names every region of its
        rows (Tahap II first), or one to create."""
        by_key: dict[tuple[int, str], list[int]] = {}
        for index, parsed in enumerate(self.parsed):
            by_key.setdefault((parsed["year"], parsed["cohort"]), []).append(index)
        problems = []
        for (year, cohort), indexes in sorted(by_key.items()):
            group = _Group(year, cohort, indexes)
            cycles = (await gateway(CYCLES, {"y": year, "c": cohort}))["evaluationCycles"]
            if cycles:
                chosen = min(cycles, key=lambda c: (c["stage"] != PUBLISHED_STAGE, c["id"]))
                group.cycle_id = chosen["id"]
                missing = sorted({self.parsed[i]["regionCode"] for i in indexes}
                                 - set(chosen["regionCodes"]))  # fmt: skip
                if missing:
                    problems.append(
                        _("cycle {cycle} ({year}, {cohort}) does not include {regions}").format(
                            cycle=chosen["id"], year=year, cohort=cohort, regions=", ".join(missing)
                        )
                    )
            self.groups.append(group)
        return problems

    def _requests(self, dry_run: bool) -> list[tuple[list[int], dict[str, Any]]]:
        """The rows in chunks, oldest year first, each row with its cycle (if it has one)."""
        cycle_of = {i: g.cycle_id for g in self.groups for i in g.rows}
        order = sorted(range(len(self.parsed)), key=lambda i: self.parsed[i]["year"])
        chunks = [order[i : i + CHUNK] for i in range(0, len(order), CHUNK)]
        return [
            (chunk, {"i": {"dryRun": dry_run,
                           "rows": [self.parsed[i] | {"cycleId": cycle_of[i]} for i in chunk]}})
            for chunk in chunks
        ]  # fmt: skip

    async def _dry_run(self, gateway: GraphQLClient) -> list[str]:
        problems = []
        for chunk, variables in self._requests(dry_run=True):
            try:
                await gateway(IMPORT, variables)
            except GraphQLFailure as failure:
                if not failure.problems:
                    raise
                problems += [_located(p, chunk) for p in failure.problems]
        return problems

    async def load(self, gateway: GraphQLClient) -> ResultsReport:
        report = ResultsReport()
        for group in self.groups:
            if group.cycle_id is None:
                created = await _create_closed_cycle(gateway, group, self.parsed)
                group.cycle_id = created.id
                report.created_cycles.append(created)
        for chunk, variables in self._requests(dry_run=False):
            done = await _import(gateway, variables)
            report.imported += done["imported"]
            report.revised += done["revised"]
            report.unchanged += done["unchanged"]
            numbers = {(self.parsed[i]["regionCode"], self.parsed[i]["year"]): i + 2 for i in chunk}
            report.flags += [
                _("row {number}: {problem}").format(
                    number=numbers[(card["regionCode"], card["year"])],
                    problem=f"{flag['severity']}: {flag['message']}",
                )
                for card in done["scorecards"]
                for flag in card["flags"]
            ]
        return report


def _parse(row: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """The row as the import's input, and what is wrong with how it is written."""
    problems: list[str] = []

    def number(column: str, whole: bool = False) -> float | int | None:
        text = row.get(column, "").strip().replace(",", ".")
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            problems.append(
                _("column {column}: {text!r} is not a number").format(column=column, text=text)
            )
            return None
        if whole and not value.is_integer():
            problems.append(
                _("column {column}: {text!r} is not a whole number").format(
                    column=column, text=text
                )
            )
            return None
        return int(value) if whole else value

    scores = []
    for dimension in DIMENSIONS:
        score = number(_column(dimension))
        weight = number(f"{_column(dimension)} weight", whole=True)
        if score is None and weight:
            problems.append(
                _("column {column}: a weight without a score").format(column=_column(dimension))
            )
        if score is not None:
            if weight is None:
                problems.append(
                    _("column {column} weight: give the weight").format(column=_column(dimension))
                )
            scores.append({"dimension": dimension, "score": score, "weight": weight or 0})
    year, final = number("year", whole=True), number("final")
    for column, value in (("year", year), ("final", final)):
        if value is None and not any(f" {column}:" in p for p in problems):
            problems.append(_("column {column}: missing").format(column=column))
    parsed = {
        "regionCode": row.get("region", "").strip(), "year": year or 0,
        "cohort": row.get("cohort", "").strip(), "scores": scores, "finalIndex": final or 0.0,
        "document": row.get("document", "").strip(), "grade": row.get("grade", "").strip() or None,
    }  # fmt: skip
    return parsed, problems


def _located(problem: dict[str, str], chunk: Sequence[int]) -> str:
    """A problem the service found, told by the file's row and column."""
    found = ROW_FIELD.match(problem.get("field", ""))
    if not found:
        return str(problem.get("message", ""))
    number = chunk[int(found.group(1))] + 2
    where = found.group(2).replace("scores.", "").replace("finalIndex", "final")
    column = re.sub(r"([a-z])([A-Z])", r"\1 \2", where).lower() if where else ""
    if column:
        return _("row {number}, column {column}: {problem}").format(
            number=number, column=column, problem=problem["message"]
        )
    return _("row {number}: {problem}").format(number=number, problem=problem["message"])


async def _create_closed_cycle(
    gateway: GraphQLClient, group: _Group, parsed: list[dict[str, Any]]
) -> Cycle:
    regions = sorted({parsed[i]["regionCode"] for i in group.rows})
    cycle = {"year": group.year, "stage": PUBLISHED_STAGE, "cohort": group.cohort,
             "opensOn": f"{group.year}-01-01", "closesOn": f"{group.year}-12-31",
             "regionCodes": regions}  # fmt: skip
    created: str = (await gateway(CREATE_CYCLE, {"i": cycle}))["createEvaluationCycle"]["id"]
    await gateway(CLOSE_CYCLE, {"id": created})
    return Cycle(id=created, year=group.year, stage=PUBLISHED_STAGE, cohort=group.cohort)


async def _import(gateway: GraphQLClient, variables: dict[str, Any]) -> dict[str, Any]:
    """Imports one chunk; a cycle created just before is waited for until scoring knows it."""
    deadline = asyncio.get_running_loop().time() + LEARNING_SECONDS
    while True:
        try:
            done: dict[str, Any] = (await gateway(IMPORT, variables))["importPublishedResults"]
            return done
        except GraphQLFailure as failure:
            if failure.code != "NOT_FOUND" or asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.2)
