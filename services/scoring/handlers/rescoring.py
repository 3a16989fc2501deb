"""Rescoring in the background: after facts change, and after a rule set is activated.

One task rescores in this process, so two rescorings of one scorecard never race here;
a replica that wins a race makes the loser's write stale, and the loser tries again.

A revised scorecard is the previous result of the region's later cycles: they are rescored
after it, so their improvement over it stays true.

A region whose facts keep changing (its events streaming in) is rescored once they pause
for `quiet_seconds`, and at least every `max_delay_seconds` while they do not, instead of
after every event; a lone change waits only `quiet_seconds`. While the consumer is behind
the stream (`backlogged`: catching up, or a deadline's burst), a pause is no sign that a
region's evidence is complete, so each waits `max_delay_seconds` from its first change:
a region is then rescored once per burst of its evidence, not once per fetch.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from opentelemetry.context import Context

from services.kernel import tracing
from services.scoring.handlers.scorer import Pair, RescoreReport, Scorer

log = logging.getLogger(__name__)
BATCH = 64
RETRY_SECONDS = 1.0  # before what failed is tried again, doubling for a ranking
MAX_RETRY_SECONDS = 30.0


class Rescorer:
    def __init__(
        self, scorer: Scorer, quiet_seconds: float = 0.005, max_delay_seconds: float = 2.0
    ) -> None:
        self.scorer = scorer
        self.quiet_seconds = quiet_seconds
        self.max_delay_seconds = max_delay_seconds
        self._marks: dict[Pair, tuple[float, float]] = {}  # first and latest change
        self._causes: dict[Pair, Context] = {}  # the trace of the latest change, if traced
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self.last_report = RescoreReport()
        self.backlogged: Callable[[], bool] = lambda: False

    def mark(self, region_code: str, cycle_id: str, cause: Context | None = None) -> None:
        """The region's scorecard in the cycle is due again; `cause` is the trace of what
        changed it (by default the span under way), which its rescoring continues."""
        now = time.monotonic()
        first, _ = self._marks.get((region_code, cycle_id), (now, now))
        self._marks[(region_code, cycle_id)] = (first, now)
        if (cause := cause or tracing.current()) is not None:
            self._causes[(region_code, cycle_id)] = cause
        self._idle.clear()
        self._wake.set()

    async def mark_all(self) -> None:
        for region_code, cycle_id in await self.scorer.scoring.facts.pairs():
            self.mark(region_code, cycle_id)

    async def mark_later_cycles(self, revised_years: dict[str, int]) -> None:
        """Marks each region's cycles after the year its result changed in."""
        for year in set(revised_years.values()):
            for region_code, cycle_id in await self.scorer.scoring.facts.pairs(after_year=year):
                if revised_years.get(region_code) == year:
                    self.mark(region_code, cycle_id)

    @property
    def waiting(self) -> int:
        return len(self._marks)

    async def settled(self) -> None:
        """Returns once nothing is waiting to be rescored."""
        await self._idle.wait()

    def _due(self, now: float) -> tuple[list[Pair], float | None]:
        """Pairs due now (at most a batch), and how long until the next one is."""
        due, next_in = [], None
        quiet = self.max_delay_seconds if self.backlogged() else self.quiet_seconds
        for pair, (first, latest) in self._marks.items():
            at = min(latest + quiet, first + self.max_delay_seconds)
            if at <= now:
                due.append(pair)
                if len(due) == BATCH:
                    break
            elif next_in is None or at - now < next_in:
                next_in = at - now
        return due, next_in

    def rank_again(self) -> None:
        """Wakes the task to rank the cycles the scorer could not rank."""
        if self.scorer.unranked:
            self._idle.clear()
            self._wake.set()

    async def run_forever(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            pause = RETRY_SECONDS
            while self._marks or self.scorer.unranked:
                if not self._marks:  # only rankings that failed: those alone, after a pause
                    with contextlib.suppress(TimeoutError):  # that new marks cut short
                        async with asyncio.timeout(pause):
                            await self._wake.wait()
                    self._wake.clear()
                    await self.scorer.rank_pending()
                    pause = min(pause * 2, MAX_RETRY_SECONDS)
                    continue
                due, next_in = self._due(time.monotonic())
                if not due:
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(next_in):
                            await self._wake.wait()
                    self._wake.clear()
                    continue
                marks = {pair: self._marks.pop(pair) for pair in due}
                causes = {pair: cause for pair in due if (cause := self._causes.pop(pair, None))}
                try:
                    report = await self.scorer.rescore(due, causes)
                except Exception:
                    log.exception("rescoring %d scorecards failed; retrying", len(due))
                    report = RescoreReport(unfinished=due)
                self.last_report = report
                await self.mark_later_cycles(report.revised_years)
                for failure in report.failed:
                    log.warning("rescoring: %s", failure)
                if report.unfinished:
                    for pair in report.unfinished:
                        self._marks.setdefault(pair, marks[pair])
                        if pair in causes:
                            self._causes.setdefault(pair, causes[pair])
                    await asyncio.sleep(RETRY_SECONDS)
            self._idle.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self.run_forever(), name="rescorer")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
