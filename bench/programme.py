"""The programme's national year through the gateway, timed: the 514 regencies and cities
registered, a published year of results for all of them imported, and every region's
results letter fetched.

    python -m bench.programme

The whole suite runs as its own processes (`bench.suite`); each step is what the command
line does (`smartcity import regions --national`, `smartcity import results`,
`smartcity export letters`), called in process so that only the suite's work is timed.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time

from bench.suite import running_suite
from services.cli.letters import fetch_letters
from services.cli.results import ResultsSheet
from services.cli.spreadsheets import Sheet
from services.demo.national import national_regions, register_national

WEIGHTS = {"baseline": 10, "output": 20, "outcome": 30, "impact": 10, "quick win": 30}


def published_year(year: int, seed: int = 2022) -> Sheet:
    """A published table of every region's results for a year, with a realistic spread."""
    rows, draw = [], random.Random(seed)
    for region in national_regions():
        scores = {d: round(min(4.0, max(0.5, draw.gauss(2.8, 0.6))), 2) for d in WEIGHTS}
        final = sum(scores[d] * w / 100 for d, w in WEIGHTS.items())
        row = {"region": region.code, "year": str(year), "cohort": "unassigned",
               "final": f"{final:.2f}", "document": f"B-{year}/BENCH"}  # fmt: skip
        for dimension, weight in WEIGHTS.items():
            row |= {dimension: str(scores[dimension]), f"{dimension} weight": str(weight)}
        rows.append(row)
    return Sheet(list(rows[0]), rows)


async def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        async with running_suite(scratch) as suite:
            started = time.perf_counter()
            report = await register_national(suite.gateway, {})
            registered = time.perf_counter() - started

            sheet = ResultsSheet(published_year(2022))
            started = time.perf_counter()
            problems = await sheet.check(suite.gateway)
            assert not problems, problems[:5]
            loaded = await sheet.load(suite.gateway)
            imported = time.perf_counter() - started

            [cycle_id] = loaded.created_cycles
            started = time.perf_counter()
            letters = await fetch_letters(suite.gateway, cycle_id)
            lettered = time.perf_counter() - started
    print("| step | regions | seconds |\n|---|---|---|")
    print(f"| register the national list | {report.registered} | {registered:.1f} |")
    print(
        f"| import a published year (checked, then stored) | {loaded.imported} | {imported:.1f} |"
    )
    print(f"| fetch every region's letter (PDF) | {len(letters)} | {lettered:.1f} |")


if __name__ == "__main__":
    asyncio.run(main())
