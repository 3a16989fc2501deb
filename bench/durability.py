"""What keeping the embedded store on disk costs the write path: `bench.ingest`'s citizens'
responses, with the survey served over the embedded store (as `smartcity up` serves it, in a
process of its own) kept in memory only, journalled with a flush to the operating system,
and journalled with an fsync per group of writes (the default), side by side.

    python -m bench.durability [--rounds 2] [--regions 2] [--batch 100] [--concurrency 4]
                               [--singles 300] [--snapshot-documents 0]

Each round runs the three in turn, each on a fresh stream and store; the figures are each
mode's median over the rounds, and its ratio to memory only. With `--snapshot-documents N`
it then fills a store kept on disk with N documents of about 1.6 KB and reports how long a
snapshot holds the store's lock (every write waits meanwhile) and how long a start takes to
load it back.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
from bson import ObjectId

from bench.ingest import SECRET, Survey, measure, prepare, publish_catalog_facts
from bench.service import serving
from services.embedded.natsserver import NatsServer
from services.embedded.store_folder import StoreFolder
from services.embedded.store_server import Store

MODES = ("memory", "flush", "fsync")
SERVE = """
import sys, time
from pathlib import Path
from services.embedded.store_folder import StoreFolder
from services.embedded.store_server import StoreServer
mode, folder = sys.argv[1], Path(sys.argv[2])
kept = None if mode == "memory" else StoreFolder(folder, sync=mode == "fsync")
with StoreServer(kept) as store:
    print(store.uri, flush=True)
    sys.stdin.read()
"""
SHOWN = ("batched responses/s", "single p50 ms", "single p99 ms",
         "relay drain after last submit s")  # fmt: skip


@contextlib.asynccontextmanager
async def store_process(mode: str, folder: Path) -> AsyncIterator[str]:
    """The embedded store served by a process of its own, as the supervisor serves it."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", SERVE, mode, str(folder),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None and process.stdin is not None
    try:
        yield (await process.stdout.readline()).decode().strip()
    finally:
        process.stdin.close()
        await asyncio.wait_for(process.wait(), timeout=120)


async def once(mode: str, args: argparse.Namespace) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as scratch, NatsServer(Path(scratch) / "nats") as server:
        async with store_process(mode, Path(scratch) / "store") as uri:
            env = {"MONGODB_URI": uri}
            async with serving("survey", server.url, scratch, SECRET, env) as survey_process:
                regions = [f"90.{n:02d}" for n in range(1, args.regions + 1)]
                await publish_catalog_facts(server.url, regions)
                limits = httpx.Limits(max_connections=args.concurrency + 2)
                async with httpx.AsyncClient(timeout=60, limits=limits) as client:
                    url = f"http://127.0.0.1:{survey_process.port}/graphql"
                    survey = Survey(client, url)
                    items = await prepare(survey, regions, 50)
                    singles, items = items[: args.singles], items[args.singles :]
                    return await measure(survey, server.url, items, singles, args)


async def run(args: argparse.Namespace) -> dict[str, dict[str, float]]:
    found: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
    for round_number in range(args.rounds):
        for mode in MODES:
            print(f"round {round_number + 1}: {mode}", flush=True)
            found[mode].append(await once(mode, args))
    return {
        mode: {name: statistics.median(r[name] for r in rounds) for name in SHOWN}
        for mode, rounds in found.items()
    }


def snapshot_figures(documents: int) -> dict[str, float]:
    """A store of `documents` documents: its snapshot's pause and size, and its load."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "store"
        store = Store(StoreFolder(folder, snapshot_after_bytes=1 << 62))
        store.open()
        for first in range(0, documents, 1000):
            store.execute({"insert": "responses", "$db": "smartcity", "documents": [
                {"_id": ObjectId(), "n": n, "answers": {"text": "x" * 1500, "codes": [1, 2, 3]}}
                for n in range(first, min(first + 1000, documents))
            ]})  # fmt: skip
        journal_mb = sum(p.stat().st_size for p in folder.glob("journal-*.log")) / 1e6
        started = time.perf_counter()
        with store.lock:  # as the background snapshot takes it
            assert store.folder is not None
            store.folder.snapshot(store.contents)
        paused = time.perf_counter() - started
        size_mb = sum(p.stat().st_size for p in folder.rglob("*.bson")) / 1e6  # the only one
        store.close()
        started = time.perf_counter()
        Store(StoreFolder(folder)).open()
        loaded = time.perf_counter() - started
        return {"journal MB": journal_mb, "snapshot pause s": paused,
                "snapshot MB": size_mb, "start (load) s": loaded}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--regions", type=int, default=2, help="900 citizens each")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--singles", type=int, default=300)
    parser.add_argument("--snapshot-documents", type=int, default=0)
    args = parser.parse_args()
    figures = asyncio.run(run(args))
    print("| measure | " + " | ".join(MODES) + " | flush / memory | fsync / memory |")
    print("|---|" + "---|" * (len(MODES) + 2))
    for name in SHOWN:
        values = [figures[mode][name] for mode in MODES]
        ratios = [figures[mode][name] / figures["memory"][name] for mode in ("flush", "fsync")]
        cells = [f"{v:,.2f}" for v in values] + [f"{r:.2f}" for r in ratios]
        print(f"| {name} | " + " | ".join(cells) + " |")
    if args.snapshot_documents:
        print(f"\n{args.snapshot_documents:,} documents kept on disk:")
        for name, value in snapshot_figures(args.snapshot_documents).items():
            print(f"- {name}: {value:,.2f}")


if __name__ == "__main__":
    main()
