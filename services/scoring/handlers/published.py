"""Importing published results: every row checked before any is stored, then each kept as
its region's scorecard for the cycle, oldest year first so each measures its improvement
over the one before; rankings follow, and later cycles are rescored over them."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from services.kernel import errors
from services.kernel.auth import Principal
from services.kernel.clock import utc_now
from services.kernel.errors import ProblemCollector
from services.scoring.domain.methodology import Methodology
from services.scoring.domain.published import (
    MAX_ROWS,
    PublishedResult,
    published_scorecard,
    with_previous,
)
from services.scoring.domain.scorecards import Scorecard, Source
from services.scoring.handlers.rescoring import Rescorer
from services.scoring.handlers.rulesets import active_ruleset, require_admin
from services.scoring.repository import CycleIndex, Scoring


@dataclass
class ImportReport:
    imported: int = 0
    revised: int = 0
    unchanged: int = 0
    scorecards: list[Scorecard] = field(default_factory=list)


async def import_published(
    rows: Sequence[PublishedResult],
    principal: Principal,
    scoring: Scoring,
    rescorer: Rescorer,
    dry_run: bool = False,
    problems: ProblemCollector | None = None,
) -> ImportReport:
    """A row without its cycle (an empty cycle id) is checked, save its cycle, in a dry run,
    and refused by an import; `problems` holds those found in reading the rows."""
    require_admin(principal)
    active = await active_ruleset(scoring)
    method = active.definition().methodology if active else None
    await _check(rows, scoring, method, dry_run, problems or ProblemCollector())
    report, at = ImportReport(), utc_now()
    regions = sorted({r.region_code for r in rows})
    history = _History(await scoring.scorecards.of_regions(regions))
    for result in sorted(rows, key=lambda r: r.year):
        if not result.cycle_id:
            continue
        previous = history.latest_before(result.region_code, result.year)
        card = published_scorecard(result, method, previous, at)
        report.scorecards.append(card)
        history.keep(card)
        if not dry_run:
            await _store(scoring, card, report)
    if dry_run:
        return report
    await _refresh_later_published(scoring, rows, history)
    await scoring.rankings.recompute({r.cycle_id for r in rows})
    earliest: dict[str, int] = {}
    for result in rows:
        earliest[result.region_code] = min(result.year, earliest.get(result.region_code, 9999))
    await rescorer.mark_later_cycles(earliest)
    return report


async def _check(
    rows: Sequence[PublishedResult],
    scoring: Scoring,
    method: Methodology | None,
    dry_run: bool,
    problems: ProblemCollector,
) -> None:
    if not 0 < len(rows) <= MAX_ROWS:
        raise errors.BadUserInput(f"give 1 to {MAX_ROWS} rows a request", "rows")
    placed = [r for r in rows if r.cycle_id]
    cycles = await scoring.facts.cycle_index()
    _require_known_cycles(placed, cycles)
    existing = {
        card.id: card
        for card in await scoring.scorecards.get_many([r.scorecard_id for r in placed])
    }
    seen: set[str] = set()
    for index, result in enumerate(rows):
        at = f"rows[{index}]"
        result.check(problems, at, method.scale_max if method else 4)
        if not result.cycle_id:
            problems.check(dry_run, f"{at}.cycleId", "name the cycle the result belongs to")
            continue
        year, region_codes = cycles[result.cycle_id]
        problems.check(year == result.year, f"{at}.year", f"cycle {result.cycle_id} is of {year}")
        problems.check(
            result.region_code in region_codes,
            f"{at}.regionCode",
            f"region {result.region_code} is not in cycle {result.cycle_id}",
        )
        problems.check(
            result.scorecard_id not in seen,
            at,
            f"region {result.region_code} in cycle {result.cycle_id} is given twice",
        )
        seen.add(result.scorecard_id)
        current = existing.get(result.scorecard_id)
        problems.check(
            current is None or current.source is Source.PUBLISHED,
            at,
            f"region {result.region_code} has a scorecard computed from its evidence in cycle "
            f"{result.cycle_id}",
        )
    problems.raise_if_any()


def _require_known_cycles(rows: list[PublishedResult], cycles: CycleIndex) -> None:
    for result in rows:
        if result.cycle_id not in cycles:
            raise errors.NotFound(
                f"evaluation cycle {result.cycle_id} is not known (yet)", "cycleId"
            )


class _History:
    """The scorecards of the import's regions, read once and kept as the import stores more."""

    def __init__(self, cards: list[Scorecard]) -> None:
        self.by_region: dict[str, dict[str, Scorecard]] = {}
        for card in cards:
            self.keep(card)

    def keep(self, card: Scorecard) -> None:
        self.by_region.setdefault(card.region_code, {})[card.id] = card

    def latest_before(self, region_code: str, year: int) -> Scorecard | None:
        earlier = [c for c in self.by_region.get(region_code, {}).values() if c.year < year]
        return max(earlier, key=lambda c: (c.year, c.computed_at), default=None)

    def cards(self) -> list[Scorecard]:
        return [card for kept in self.by_region.values() for card in kept.values()]


async def _store(scoring: Scoring, card: Scorecard, report: ImportReport) -> None:
    async def attempt() -> None:
        current = await scoring.scorecards.get(card.id)
        if current is None:
            await scoring.scorecards.add(card)
            report.imported += 1
            stored = card
        elif current.republish(card):
            await scoring.scorecards.save(current)
            report.revised += 1
            stored = current
        else:
            report.unchanged += 1
            return
        await scoring.scorecards.keep_revision(stored)

    await errors.retry_when_stale(attempt)


async def _refresh_later_published(
    scoring: Scoring, rows: Sequence[PublishedResult], history: _History
) -> None:
    """A published result of a later year imported before this one measures its improvement
    over this one now."""
    imported = {r.scorecard_id for r in rows}
    for card in history.cards():
        if card.source is not Source.PUBLISHED or card.id in imported:
            continue
        previous = history.latest_before(card.region_code, card.year)
        current = await scoring.scorecards.get(card.id)
        if current is None:
            continue
        content = with_previous(current, previous)
        if content != current.content and current.republish(
            dataclasses.replace(current, content=content, computed_at=utc_now())
        ):
            await scoring.scorecards.save(current)
            await scoring.scorecards.keep_revision(current)
