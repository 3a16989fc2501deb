"""`smartcity import programs|results FILE` and `smartcity export scorecards|letters`."""

from __future__ import annotations

import argparse
import asyncio
import sys
import zipfile
from pathlib import Path
from typing import Any, Protocol, TypeVar

from services.cli import connection, cycles
from services.cli.cohorts import cohorts_of
from services.cli.cycles import CYCLE_HELP, Cycle
from services.cli.letters import fetch_letters
from services.cli.programs import ProgramSheet
from services.cli.results import ResultsSheet
from services.cli.spreadsheets import csv_text, read_sheet, write_xlsx
from services.contracts.reference import EvaluationDimension
from services.demo.national import (
    COHORT,
    SOURCE,
    RegionsReport,
    every_region,
    national_regions,
    register_national,
)
from services.kernel.graphql_client import GraphQLClient
from services.messages import _, ngettext

DIMENSIONS = tuple(d.value for d in EvaluationDimension)
RANKING = """query($c: String!) { ranking(cycleId: $c) {
  regionCode cohort rank rankInCohort finalIndex grade revision rulesetVersion
  dimensions { dimension score } flags { code } } }"""
NAMES = "code name province"

R = TypeVar("R")
Loaded = TypeVar("Loaded", covariant=True)


def add(commands: Any) -> None:
    importing = commands.add_parser("import", help=_("load data kept in spreadsheets"))
    what = importing.add_subparsers(dest="what", required=True)
    programs = what.add_parser("programs", help=_("programs from a CSV or XLSX file"))
    programs.add_argument("file", type=Path)
    connection.add_gateway_options(programs)
    programs.set_defaults(run=_import_programs)
    regions = what.add_parser("regions", help=_("the national list of regencies and cities"))
    regions.add_argument(
        "--national", action="store_true", required=True,
        help=_("all 514 regencies and cities with their Kemendagri codes and provinces"),
    )  # fmt: skip
    regions.add_argument("--cohorts", type=Path, help=_("a CSV or XLSX of region, cohort"))
    regions.add_argument(
        "--cohort",
        default=COHORT,
        help=_("the cohort of other new regions (default {cohort})").format(cohort=COHORT),
    )
    connection.add_gateway_options(regions)
    regions.set_defaults(run=_import_regions)
    results = what.add_parser(
        "results", help=_("published results of earlier years from a CSV or XLSX file")
    )
    results.add_argument("file", type=Path)
    connection.add_gateway_options(results)
    results.set_defaults(run=_import_results)

    exporting = commands.add_parser("export", help=_("write results to a spreadsheet"))
    what = exporting.add_subparsers(dest="what", required=True)
    cards = what.add_parser("scorecards", help=_("a cycle's scorecards, ranked"))
    cards.add_argument("--cycle", help=CYCLE_HELP)
    cards.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    cards.add_argument("--output", type=Path, help=_("a file (CSV goes to stdout without one)"))
    connection.add_gateway_options(cards)
    cards.set_defaults(run=_export_scorecards)
    letters = what.add_parser("letters", help=_("the results letters of a cycle, as PDF"))
    letters.add_argument("--cycle", help=CYCLE_HELP)
    letters.add_argument(
        "--region", help=_("one region's letter (default: every region's, zipped)")
    )
    letters.add_argument("--output", type=Path, help=_("the file to write (default: named by it)"))
    letters.add_argument(
        "--language", choices=("id", "en"), default="id",
        help=_("id: in Bahasa Indonesia, as the ministry sends them (the default); en: in English"),
    )  # fmt: skip
    connection.add_gateway_options(letters)
    letters.set_defaults(run=_export_letters)


def _import_programs(args: argparse.Namespace) -> int:
    report = _checked_then_loaded(args, ProgramSheet(read_sheet(args.file)))
    if report is None:
        return 2
    added = ngettext("imported {count} program", "imported {count} programs", report.added)
    skipped = ngettext("{count} was already there", "{count} were already there", report.skipped)
    print(f"{added.format(count=report.added)} ({skipped.format(count=report.skipped)})")
    return 0


class _Sheet(Protocol[Loaded]):
    async def check(self, gateway: GraphQLClient) -> list[str]: ...
    async def load(self, gateway: GraphQLClient) -> Loaded: ...


def _checked_then_loaded(args: argparse.Namespace, sheet: _Sheet[R]) -> R | None:
    """The sheet checked whole through the gateway, then loaded; None, with every problem
    said, when it has any (nothing is loaded then)."""

    async def run() -> R | None:
        async with connection.gateway(args) as gateway:
            problems = await sheet.check(gateway)
            if problems:
                _refused(args.file, problems)
                return None
            return await sheet.load(gateway)

    return asyncio.run(run())


def _import_regions(args: argparse.Namespace) -> int:
    sheet = read_sheet(args.cohorts) if args.cohorts else None
    cohorts, problems = cohorts_of(sheet, {r.code for r in national_regions()})
    if problems:
        return _refused(args.cohorts, problems)

    async def run() -> RegionsReport:
        async with connection.gateway(args) as gateway:
            return await register_national(gateway, cohorts, args.cohort)

    report = asyncio.run(run())
    said = _(
        "registered {registered} regions, changed the cohort of {changed}, "
        "{already} were already there ({source})"
    )
    print(
        said.format(
            registered=report.registered, changed=report.cohorts_changed,
            already=report.already, source=SOURCE,
        )
    )  # fmt: skip
    return 0


def _import_results(args: argparse.Namespace) -> int:
    report = _checked_then_loaded(args, ResultsSheet(read_sheet(args.file)))
    if report is None:
        return 2
    for cycle in report.created_cycles:
        print(_("created the closed cycle {cycle} for published results").format(cycle=cycle.named))
    for flag in report.flags:
        print(f"{args.file}: {flag}")
    said = _("imported {imported} published results ({revised} revised, {unchanged} already there)")
    print(said.format(imported=report.imported, revised=report.revised, unchanged=report.unchanged))
    return 0


def _export_scorecards(args: argparse.Namespace) -> int:
    async def fetch() -> tuple[Cycle, list[dict[str, Any]], dict[str, dict[str, str]]]:
        async with connection.gateway(args) as gateway:
            cycle = await cycles.chosen(gateway, args.cycle)
            ranking = (await gateway(RANKING, {"c": cycle.id}))["ranking"]
            names = {r["code"]: r for r in await every_region(gateway, NAMES)}
        return cycle, ranking, names

    cycle, ranking, names = asyncio.run(fetch())
    if not ranking:
        refused = _("cycle {cycle} has no scorecards you may read").format(cycle=cycle.named)
        print(f"smartcity: {refused}", file=sys.stderr)
        return 1
    headers = ["cycle", "cycle name", "rank", "rank in cohort", "region", "name", "province",
               "cohort", "final index", "grade", *DIMENSIONS, "flags", "revision",
               "rule set"]  # fmt: skip
    rows = []
    for card in ranking:
        region = names.get(card["regionCode"], {})
        scores = {d["dimension"]: d["score"] for d in card["dimensions"]}
        rows.append([
            cycle.id, cycle.name, card["rank"], card["rankInCohort"], card["regionCode"],
            region.get("name", ""), region.get("province", ""), card["cohort"],
            card["finalIndex"], card["grade"], *(scores.get(d) for d in DIMENSIONS),
            " ".join(sorted({f["code"] for f in card["flags"]})), card["revision"],
            card["rulesetVersion"],
        ])  # fmt: skip
    if args.format == "xlsx":
        output = args.output or Path(f"scorecards-{cycle.file_stem}.xlsx")
        write_xlsx(output, "scorecards", headers, rows)
        print(_wrote(len(rows), "scorecard", output))
    elif args.output:
        args.output.write_text(csv_text(headers, rows))
        print(_wrote(len(rows), "scorecard", args.output))
    else:
        sys.stdout.write(csv_text(headers, rows))
    return 0


def _export_letters(args: argparse.Namespace) -> int:
    async def fetch() -> tuple[Cycle, list[tuple[str, bytes]]]:
        async with connection.gateway(args) as gateway:
            cycle = await cycles.chosen(gateway, args.cycle)
            return cycle, await fetch_letters(gateway, cycle.id, args.region, args.language)

    cycle, letters = asyncio.run(fetch())
    if not letters:
        where = (
            _("region {region} in cycle {cycle}").format(region=args.region, cycle=cycle.named)
            if args.region
            else _("cycle {cycle}").format(cycle=cycle.named)
        )
        refused = _("{where} has no scorecard you may read").format(where=where)
        print(f"smartcity: {refused}", file=sys.stderr)
        return 1
    if args.region:
        name, body = letters[0]
        output = args.output or Path(name)
        output.write_bytes(body)
    else:
        output = args.output or Path(f"letters-{cycle.file_stem}.zip")
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, body in letters:
                archive.writestr(name, body)
    print(_wrote(len(letters), "letter", output))
    return 0


def _wrote(count: int, kind: str, output: Path) -> str:
    """`wrote 3 scorecards to /full/path`: where a file went, said in full."""
    said = {
        "scorecard": ngettext(
            "wrote {count} scorecard to {path}", "wrote {count} scorecards to {path}", count
        ),
        "letter": ngettext(
            "wrote {count} letter to {path}", "wrote {count} letters to {path}", count
        ),
    }[kind]
    return said.format(count=count, path=output.resolve())


def _refused(file: Path, problems: list[str]) -> int:
    """Every problem of a file, one a line, and that nothing was imported (exit 2)."""
    for problem in problems:
        print(f"{file}: {problem}", file=sys.stderr)
    print(_("{file}: nothing imported").format(file=file), file=sys.stderr)
    return 2
