"""What an outbox sweep costs in the in-process store as the data grows: the suite's store,
which reads the outbox's sparse index, beside mongomock's own collection, which tests every
document, in one run.

    python -m bench.outbox_sweep

Each collection holds N documents, one in a hundred with an event pending, as a survey's
assessor scores do during a national cycle; a sweep is the relay's query for a page of
what is pending.
"""

from __future__ import annotations

import time
from typing import Any

import mongomock

from services.embedded.memorystore import InMemoryClient
from services.kernel.outbox import FIELD, PENDING

SIZES = (1_000, 10_000, 60_000)  # 60,000: a 514-region cycle's scores by one assessor
SWEEPS = 20


def filled(collection: Any, size: int) -> Any:
    collection.drop()
    collection.create_index(f"{FIELD}.id", sparse=True)
    collection.insert_many([
        {"_id": f"s{n}", "score": n % 5, FIELD: [{"id": f"e{n}"}] if n % 100 == 0 else []}
        for n in range(size)
    ])  # fmt: skip
    return collection


def sweep_ms(collection: Any) -> float:
    started = time.perf_counter()
    for _ in range(SWEEPS):
        list(collection.find(PENDING, {FIELD: 1}).limit(200))
    return (time.perf_counter() - started) / SWEEPS * 1000


def main() -> None:
    print(f"{'documents':>10} {'suite store ms':>15} {'mongomock ms':>13} {'ratio':>7}")
    for size in SIZES:
        keyed = filled(InMemoryClient()["bench"]["scores"], size)
        plain = filled(mongomock.MongoClient()["bench"]["scores"], size)
        ours, theirs = sweep_ms(keyed), sweep_ms(plain)
        print(f"{size:>10,} {ours:>15.2f} {theirs:>13.2f} {theirs / ours:>6.0f}x")


if __name__ == "__main__":
    main()
