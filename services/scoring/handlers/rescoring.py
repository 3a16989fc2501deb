"""Rescoring in the background: after facts change, and after a rule set is activated.

One task rescores in this process, so two rescorings of one scorecard never race here;
a replica that wins a race makes the loser's write stale, and the loser tries again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from services.scoring.handlers.scorer import Pair, RescoreReport, Scorer

log = logging.getLogger(__name__)
BATCH = 64


class Rescorer:
    def __init__(self, scorer: Scorer, settle_seconds: float = 0.01) -> None:
        self.scorer = scorer
        self.settle_seconds = settle_seconds
        self._pending: dict[Pair, None] = {}
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self.last_report = RescoreReport()

    def mark(self, region_code: str, cycle_id: str) -> None:
        self._pending[(region_code, cycle_id)] = None
        self._idle.clear()
        self._wake.set()

    async def mark_all(self) -> None:
        for region_code, cycle_id in await self.scorer.scoring.facts.pairs():
            self.mark(region_code, cycle_id)

    @property
    def waiting(self) -> int:
        return len(self._pending)

    async def settled(self) -> None:
        """Returns once nothing is waiting to be rescored."""
        await self._idle.wait()

    async def run_forever(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await asyncio.sleep(self.settle_seconds)  # let a burst of events gather
            while self._pending:
                batch = list(self._pending)[:BATCH]
                for pair in batch:
                    self._pending.pop(pair, None)
                try:
                    report = await self.scorer.rescore(batch)
                except Exception:
                    log.exception("rescoring %d scorecards failed; retrying", len(batch))
                    for pair in batch:
                        self._pending.setdefault(pair, None)
                    await asyncio.sleep(1.0)
                    continue
                self.last_report = report
                for failure in report.failed:
                    log.warning("rescoring: %s", failure)
            if not self._pending:
                self._idle.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self.run_forever(), name="rescorer")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
