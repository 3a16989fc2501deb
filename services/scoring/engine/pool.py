"""Worker processes per rule set version, and evaluations bounded in time.

A worker runs the rules on sessions of facts (`evaluate`), or scores regions' evidence
whole (`run` with `worker.score`). Each version has lanes: processes of its own, started on
first use, one batch at a time in each, so stopping one lane's process stops no other
batch. A newer version's lanes replace an older one's, which finish what they were given,
then exit, taking durable_rules' memory with them. An evaluation that runs past its time,
or a worker that dies (each runs under a memory limit and exits when it reaches it), costs
its lane its process: the items of that batch are retried one by one on a fresh process to
find the culprit, which is reported, and the others are evaluated.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from services.scoring.engine import worker

log = logging.getLogger(__name__)
Facts = list[dict[str, Any]]
KEPT_VERSIONS = 2  # the active version and one draft being simulated
Lane = ProcessPoolExecutor  # of one process
STARTING_SECONDS = 60.0  # for a lane's process to start and load its rule set


@dataclass(frozen=True)
class Failed:
    """An evaluation that did not finish: the reason, for the caller to report."""

    reason: str


Outcome = list[worker.Fired] | Failed
# a worker function of a batch of items: a result per item, and durable_rules' seconds
Task = Callable[[list[Any]], tuple[list[Any], float]]


class Lanes:
    """One version's lanes: those idle, kept for the next batch, and those in use."""

    def __init__(self, start: Callable[[], Lane]) -> None:
        self._start = start
        self._idle: list[Lane] = []
        self._in_use: set[Lane] = set()
        self.retired = False

    def take(self) -> Lane:
        lane = self._idle.pop() if self._idle else self._start()
        self._in_use.add(lane)
        return lane

    def give_back(self, lane: Lane) -> None:
        self._in_use.discard(lane)
        if self.retired:
            lane.shutdown(wait=False)
        else:
            self._idle.append(lane)

    def replace(self, lane: Lane) -> Lane:
        """A fresh lane for one whose process is stuck or gone: that process is killed."""
        self.drop(lane)
        return self.take()

    def drop(self, lane: Lane) -> None:
        self._in_use.discard(lane)
        _kill(lane)

    def retire(self, *, kill: bool) -> None:
        """Idle lanes stop now; busy ones after their batch, or now when `kill`."""
        self.retired = True
        for lane in self._idle:
            lane.shutdown(wait=False)
        self._idle.clear()
        if kill:
            for lane in self._in_use:
                _kill(lane)


def _kill(lane: Lane) -> None:
    for process in list((getattr(lane, "_processes", None) or {}).values()):  # no public kill
        process.kill()
    lane.shutdown(wait=False, cancel_futures=True)


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
        self._versions: OrderedDict[str, Lanes] = OrderedDict()
        self._context = multiprocessing.get_context("forkserver")
        self.evaluations_total = 0
        self.failures_total = 0
        self.pools_started_total = 0  # lanes' processes started
        self.busy_seconds = 0.0  # spent inside durable_rules, summed over the workers

    def _lanes(self, version: str, ruleset: dict[str, Any]) -> Lanes:
        if version in self._versions:
            self._versions.move_to_end(version)
            return self._versions[version]

        def start() -> Lane:
            self.pools_started_total += 1
            return ProcessPoolExecutor(
                max_workers=1,
                mp_context=self._context,
                initializer=worker.load,
                initargs=(version, ruleset, self.memory_mb * 1024 * 1024),
            )

        lanes = self._versions[version] = Lanes(start)
        while len(self._versions) > KEPT_VERSIONS:
            _, retired = self._versions.popitem(last=False)
            retired.retire(kill=False)
        return lanes

    @property
    def pools_running(self) -> int:
        """Versions with lanes."""
        return len(self._versions)

    def retire(self, version: str) -> None:
        """Stops the version's workers now: durable_rules' memory for it goes with them."""
        lanes = self._versions.pop(version, None)
        if lanes is not None:
            lanes.retire(kill=True)

    def retire_all_but(self, version: str) -> None:
        for key in [k for k in self._versions if k != version]:
            self._versions.pop(key).retire(kill=False)

    async def evaluate(
        self, version: str, ruleset: dict[str, Any], sessions: list[Facts]
    ) -> list[Outcome]:
        """One outcome per session, in order."""
        return await self.run(version, ruleset, worker.evaluate, sessions)

    async def run(
        self,
        version: str,
        ruleset: dict[str, Any],
        task: Task,
        items: list[Any],
        batch: int | None = None,
    ) -> list[Any]:
        """`task` (a worker function of a list, or a partial of one) on every item in the
        version's workers, `batch` items at a time (the engine's own size unless given): one
        result per item, in order, or `Failed` for an item whose batch ran out of time or
        lost its process even alone."""
        size = batch or self.batch
        batches = [items[i : i + size] for i in range(0, len(items), size)]
        results = await asyncio.gather(*(self._batch(version, ruleset, task, b) for b in batches))
        self.evaluations_total += len(items)
        return [outcome for batch in results for outcome in batch]

    async def _batch(
        self, version: str, ruleset: dict[str, Any], task: Task, items: list[Any]
    ) -> list[Any]:
        """The batch in a lane of its own; one by one on a fresh process when it fails. A
        batch cancelled midway kills its lane's process, which may still be evaluating."""
        async with self._slots:
            lanes = self._lanes(version, ruleset)
            held = [lanes.take()]  # the lane in use, replaced when its process is stopped
            try:
                outcomes = await self._in_lane(lanes, held, version, task, items)
            except BaseException:
                lanes.drop(held[0])
                raise
            lanes.give_back(held[0])
            return outcomes

    async def _in_lane(
        self, lanes: Lanes, held: list[Lane], version: str, task: Task, items: list[Any]
    ) -> list[Any]:
        try:
            await self._started(held[0])
            return list(await self._run(held[0], task, items))
        except (TimeoutError, BrokenProcessPool) as trouble:
            log.warning(
                "rules %s: a batch of %d failed (%s); isolating",
                version,
                len(items),
                type(trouble).__name__,
            )
            held[0] = lanes.replace(held[0])
        isolated: list[Any] = []
        for item in items:
            try:
                await self._started(held[0])
                isolated += await self._run(held[0], task, [item])
            except (TimeoutError, BrokenProcessPool) as trouble:
                held[0] = lanes.replace(held[0])
                self.failures_total += 1
                isolated.append(self._failure(trouble))
        return isolated

    def _failure(self, trouble: Exception) -> Failed:
        if isinstance(trouble, TimeoutError):
            return Failed(f"the rules ran longer than {self.timeout_seconds:g}s and were stopped")
        return Failed(
            "the rules worker stopped while evaluating (it ran out of its "
            f"{self.memory_mb} MB, or was killed) and was replaced"
        )

    async def _started(self, lane: Lane) -> None:
        """A lane's process started and its rule set loaded, which its evaluations are not
        timed for (durable_rules takes a while to load a large rule set)."""
        async with asyncio.timeout(STARTING_SECONDS):
            await asyncio.wrap_future(lane.submit(worker.ready))

    async def _run(self, lane: Lane, task: Task, items: list[Any]) -> list[Any]:
        future = lane.submit(task, items)
        async with asyncio.timeout(self.timeout_seconds):
            results, seconds = await asyncio.wrap_future(future)
        self.busy_seconds += seconds
        return list(results)

    def close(self) -> None:
        for version in list(self._versions):
            self.retire(version)
