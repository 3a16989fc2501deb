"""Worker processes per rule set version, and evaluations bounded in time.

A version's pool starts its processes on first use; a newer version's pool replaces it and
the old one finishes what it was given, then its processes exit, taking durable_rules'
memory with them. An evaluation that runs past its time, or a worker that dies (each runs
under a memory limit and exits when it reaches it), costs the pool its processes: the
sessions of that batch are retried one by one to find the culprit, which is reported, and
the others are evaluated.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from services.scoring.engine import worker

log = logging.getLogger(__name__)
Facts = list[dict[str, Any]]
KEPT_POOLS = 2  # the active version and one draft being simulated


@dataclass(frozen=True)
class Failed:
    """An evaluation that did not finish: the reason, for the caller to report."""

    reason: str


Outcome = list[worker.Fired] | Failed


class RulesEngine:
    def __init__(
        self,
        workers: int = 2,
        timeout_seconds: float = 10.0,
        batch: int = 16,
        *,
        memory_mb: int = 1024,
    ) -> None:
        self.workers = max(1, workers)
        self.timeout_seconds = timeout_seconds
        self.batch = batch
        self.memory_mb = memory_mb
        self._slots = asyncio.Semaphore(self.workers)  # a batch is timed from when it starts
        self._pools: OrderedDict[str, ProcessPoolExecutor] = OrderedDict()
        self._context = multiprocessing.get_context("forkserver")
        self.evaluations_total = 0
        self.failures_total = 0
        self.pools_started_total = 0
        self.busy_seconds = 0.0  # spent inside durable_rules, summed over the workers

    def _pool(self, version: str, ruleset: dict[str, Any]) -> ProcessPoolExecutor:
        if version in self._pools:
            self._pools.move_to_end(version)
            return self._pools[version]
        pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=self._context,
            initializer=worker.load,
            initargs=(version, ruleset, self.memory_mb * 1024 * 1024),
        )
        self.pools_started_total += 1
        self._pools[version] = pool
        while len(self._pools) > KEPT_POOLS:
            _, retired = self._pools.popitem(last=False)
            retired.shutdown(wait=False)
        return pool

    @property
    def pools_running(self) -> int:
        return len(self._pools)

    def retire(self, version: str) -> None:
        """Stops the version's workers now: durable_rules' memory for it goes with them."""
        self._discard(version)

    def retire_all_but(self, version: str) -> None:
        for key in [k for k in self._pools if k != version]:
            self._pools.pop(key).shutdown(wait=False)

    def _discard(self, version: str) -> None:
        pool = self._pools.pop(version, None)
        if pool is None:
            return
        for process in list(getattr(pool, "_processes", {}).values()):  # no public kill
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    async def evaluate(
        self, version: str, ruleset: dict[str, Any], sessions: list[Facts]
    ) -> list[Outcome]:
        """One outcome per session, in order."""
        batches = [sessions[i : i + self.batch] for i in range(0, len(sessions), self.batch)]
        results = await asyncio.gather(*(self._batch(version, ruleset, b) for b in batches))
        self.evaluations_total += len(sessions)
        return [outcome for batch in results for outcome in batch]

    async def _batch(
        self, version: str, ruleset: dict[str, Any], sessions: list[Facts]
    ) -> list[Outcome]:
        try:
            return list(await self._run(version, ruleset, sessions))
        except (TimeoutError, BrokenProcessPool) as trouble:
            log.warning(
                "rules %s: a batch of %d failed (%s); isolating",
                version,
                len(sessions),
                type(trouble).__name__,
            )
            self._discard(version)
        isolated: list[Outcome] = []
        for session in sessions:
            try:
                isolated += await self._run(version, ruleset, [session])
            except TimeoutError:
                self._discard(version)
                self.failures_total += 1
                isolated.append(
                    Failed(f"the rules ran longer than {self.timeout_seconds:g}s and were stopped")
                )
            except BrokenProcessPool:
                self._discard(version)
                self.failures_total += 1
                isolated.append(
                    Failed(
                        "the rules worker stopped while evaluating (it ran out of its "
                        f"{self.memory_mb} MB, or was killed) and was replaced"
                    )
                )
        return isolated

    async def _run(
        self, version: str, ruleset: dict[str, Any], sessions: list[Facts]
    ) -> list[list[worker.Fired]]:
        async with self._slots:
            future = self._pool(version, ruleset).submit(worker.evaluate, sessions)
            async with asyncio.timeout(self.timeout_seconds):
                results, seconds = await asyncio.wrap_future(future)
        self.busy_seconds += seconds
        return results

    def close(self) -> None:
        for version in list(self._pools):
            self._discard(version)
