"""The national benchmark: the whole suite measured at several sizes, in one table.

    python -m bench [--sizes 50,100,250,514] [--samples 100] [--report bench/REPORT.md]

Each size runs on a fresh suite (`bench.suite` says what is measured and how). The table
has a column per size, the target, and how each figure grew from the first size to the
last; with `--report` it is also written, with the machine it ran on, as Markdown.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import time
from pathlib import Path

from bench.machine import machine
from bench.suite import measure

TARGETS = {
    "catch-up: every event projected, every region scored (s)": "",
    "full rescore after an activation (s)": "< 10 at 514",
    "ingestion through the gateway (responses/s)": ">= 1,000",
    "response-to-scorecard p95 (ms)": "< 250",
    "gateway overhead, difference of medians (ms)": "< 2",
}
MEMORY_TARGET = "< 300"
NOTES = """
## Reading it

- Every part ran on the one 2-core machine: nats-server, the four services, scoring's rules
  worker and the benchmark's own clients shared the two cores. While citizens' responses
  were synced, scoring was rescoring their regions, so ingestion competes with scoring.
- The stores were the embedded default, in each service's own process (`mongomock://`).
  The peak RSS of a service therefore includes its data, which a deployment keeps in
  MongoDB instead:
  - scoring holds its projection of every event of the year;
  - survey holds only the citizens' responses synced through the gateway (a tenth of the
    regions); the rest of the year reached the stream straight from the generator;
  - catalog holds only its seed: the year's catalog events came from the generator, so
    its figure says nothing about a national catalog.
- nats-server is not one of the suite's services; its memory is reported because it runs
  on the same machine and holds the whole year's stream.
"""


def _shown(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"


def table(sizes: list[int], figures: dict[int, dict[str, float]]) -> str:
    first, last = sizes[0], sizes[-1]
    growth = f"growth {first}→{last} (regions x{last / first:.1f})"
    lines = [f"| measure | {' | '.join(f'{s} regions' for s in sizes)} | target | {growth} |",
             "|---" * (len(sizes) + 3) + "|"]  # fmt: skip
    for name in figures[first]:
        target = MEMORY_TARGET if name.startswith("peak RSS") else TARGETS.get(name, "")
        values = [figures[size][name] for size in sizes]
        ratio = f"x{values[-1] / values[0]:.2f}" if values[0] else ""
        lines.append(f"| {name} | {' | '.join(map(_shown, values))} | {target} | {ratio} |")
    return "\n".join(lines)


def report(sizes: list[int], body: str, seconds: float) -> str:
    command = "python -m bench " + " ".join(sys.argv[1:])
    return (f"# National benchmark\n\n`{command.strip()}` on {dt.date.today().isoformat()}, "
            f"{seconds / 60:.0f} minutes in all.\n\nMachine: {machine()}.\n\n{body}\n{NOTES}\n"
            f"What each row measures, and how: `bench/suite.py`.\n")  # fmt: skip


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="50,100,250,514", help="numbers of regions")
    parser.add_argument("--samples", type=int, default=100, help="latency samples per size")
    parser.add_argument("--report", type=Path, help="also write the table here, as Markdown")
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    started = time.perf_counter()
    figures = {}
    for size in sizes:
        figures[size] = asyncio.run(
            measure(size, args.samples, say=lambda line: print(line, file=sys.stderr, flush=True))
        )
    body = table(sizes, figures)
    print(body)
    if args.report:
        args.report.write_text(report(sizes, body, time.perf_counter() - started))


if __name__ == "__main__":
    main()
