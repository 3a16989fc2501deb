"""Turning evidence into scorecards under a rule set: rescoring, and simulating a draft.

Every (region, cycle) goes through the same steps: the methodology's numbers in Python, the
rules in the worker processes of that rule set version, then the scorecard is composed and,
when its content changed, revised and published. A rescore and a plan's what-ifs take all
of the steps but the reading and the storing to the worker processes (`engine.whole`), a
batch of regions at a time; a simulation prepares the facts here and only runs the rules
there.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import itertools
import logging
import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any, Protocol

from opentelemetry.context import Context

from services.kernel import errors, tracing
from services.kernel.clock import utc_now
from services.scoring.domain import assessment, rules, rulesets, scorecards
from services.scoring.domain.changes import Change, applied
from services.scoring.domain.definitions import Definition
from services.scoring.domain.evidence import Evidence
from services.scoring.domain.reach import Reach
from services.scoring.engine import compiler, whole, worker
from services.scoring.engine.pool import Facts, Failed, Outcome, RulesEngine
from services.scoring.handlers.rulesets import active_ruleset
from services.scoring.repository import CycleIndex, Scoring

log = logging.getLogger(__name__)
Pair = tuple[str, str]
CHUNK = 16
MOST_WHAT_IFS_A_BATCH = 64  # a batch that runs out of time is tried again one by one
CHUNKS_IN_FLIGHT = 3
KEPT_VERSIONS = 4  # compiled rule sets kept: the active one, recent ones, drafts being simulated


@dataclass(frozen=True)
class Loaded:
    ruleset: rulesets.RuleSet
    definition: Definition
    compiled: dict[str, Any]

    @cached_property
    def reach(self) -> Reach:
        return Reach(self.definition.rules)

    @cached_property
    def method(self) -> whole.Method:
        return whole.Method(self.ruleset.number, self.definition)

    @property
    def key(self) -> str:
        return self.ruleset.id


@dataclass
class RescoreReport:
    scored: int = 0
    revised: int = 0
    revised_years: dict[str, int] = field(default_factory=dict)  # region -> earliest year revised
    revised_cycles: set[str] = field(default_factory=set)
    unchanged: int = 0
    waiting: int = 0  # not enough evidence yet (no instrument, region or cycle)
    failed: list[str] = field(default_factory=list)
    unfinished: list[Pair] = field(default_factory=list)  # to be tried again

    def add(self, other: RescoreReport) -> None:
        self.scored += other.scored
        self.revised += other.revised
        self.unchanged += other.unchanged
        self.waiting += other.waiting
        self.failed += other.failed
        self.unfinished += other.unfinished
        self.revised_cycles |= other.revised_cycles
        for region_code, year in other.revised_years.items():
            self.revised_years[region_code] = min(year, self.revised_years.get(region_code, year))


@dataclass
class StageSeconds:
    """Where rescoring spends its time, summed since start-up (shown at /metrics)."""

    reading_evidence: float = 0.0
    methodology: float = 0.0  # in this process: a simulation, a plan, a failed evaluation
    rules: float = 0.0  # waiting for the rules workers; in a rescore, scoring whole there
    storing: float = 0.0
    ranking: float = 0.0

    @contextlib.contextmanager
    def timing(self, stage: str) -> Iterator[None]:
        """The stage's time counted, and a span of it when spans are recorded."""
        started = time.perf_counter()
        try:
            with tracing.span(f"scoring {stage}"):
                yield
        finally:
            setattr(self, stage, getattr(self, stage) + time.perf_counter() - started)


class Storable(Protocol):
    """A computed scorecard as it is stored or weighed: its evidence, its content, the rules
    that fired, and the digest of what was scored."""

    @property
    def evidence(self) -> Evidence: ...
    @property
    def content(self) -> scorecards.Content: ...
    @property
    def fired_rules(self) -> frozenset[str]: ...
    @property
    def digest(self) -> str: ...


@dataclass(frozen=True)
class ScoredWhole:
    """A scorecard scored whole in a rules worker."""

    evidence: Evidence
    content: scorecards.Content
    fired_rules: frozenset[str]
    digest: str


@dataclass(frozen=True)
class Computed:
    evidence: Evidence
    content: scorecards.Content
    fired_rules: frozenset[str]
    facts: list[dict[str, Any]]
    ruleset_number: int

    @cached_property
    def digest(self) -> str:
        """The digest of what was scored, worked out when a scorecard is stored (a plan's
        what-ifs are never stored)."""
        return scorecards.digest(self.facts, self.ruleset_number)


class Scorer:
    def __init__(self, scoring: Scoring, engine: RulesEngine) -> None:
        self.scoring = scoring
        self.engine = engine
        self._loaded: OrderedDict[int, Loaded] = OrderedDict()
        self._active_key = ""
        # cycles whose scorecards moved since their ranking, each with its latest move
        self._unranked: dict[str, int] = {}
        self._moves = itertools.count(1)
        self.seconds = StageSeconds()
        self.scored_total = 0
        self.revised_total = 0

    async def load(self, ruleset: rulesets.RuleSet) -> Loaded:
        """The version read and compiled, kept while it is one of the last few used."""
        if ruleset.number in self._loaded:
            self._loaded.move_to_end(ruleset.number)
            return self._loaded[ruleset.number]
        definition = ruleset.definition()
        loaded = Loaded(ruleset, definition, compiler.compile_rules(definition.rules))
        self._loaded[ruleset.number] = loaded
        while len(self._loaded) > KEPT_VERSIONS:
            self._loaded.popitem(last=False)
        return loaded

    async def compute_once(
        self, ruleset: rulesets.RuleSet, pairs: list[Pair]
    ) -> tuple[list[Computed], RescoreReport]:
        """Under a version loaded for this computation only, in rules workers that are stopped
        as soon as it is done: a document simulated without being stored leaves nothing."""
        definition = ruleset.definition()
        loaded = Loaded(ruleset, definition, compiler.compile_rules(definition.rules))
        try:
            return await self.compute(loaded, pairs)
        finally:
            self.engine.retire(loaded.key)

    async def active(self) -> Loaded | None:
        """The active version; once another became active, the old one's workers retire."""
        ruleset = await active_ruleset(self.scoring)
        if ruleset is None:
            return None
        loaded = await self.load(ruleset)
        if loaded.key != self._active_key:
            self.engine.retire_all_but(loaded.key)
            self._active_key = loaded.key
        return loaded

    async def compute(
        self, loaded: Loaded, pairs: list[Pair]
    ) -> tuple[list[Computed], RescoreReport]:
        report = RescoreReport()
        with self.seconds.timing("reading_evidence"):
            evidences = await self._evidences(pairs, report)
        return await self.compute_evidence(loaded, evidences, report), report

    async def _evidences(self, pairs: list[Pair], report: RescoreReport) -> list[Evidence]:
        """The pairs' evidence, with their earlier scorecards' finals; those without any
        yet counted as waiting."""
        cycles = await self.scoring.facts.cycle_index()
        found = await self.scoring.facts.evidences_of(pairs)
        report.waiting += sum(1 for pair in pairs if found[pair] is None)
        return await self._with_previous(
            [e for pair in pairs if (e := found[pair]) is not None], cycles
        )

    async def evidence_of(self, region_code: str, cycle_id: str) -> Evidence | None:
        """A region's evidence in a cycle as scoring it reads it (with the final index of
        its latest earlier scorecard), or None while none has arrived."""
        found = await self.scoring.facts.evidence_of(region_code, cycle_id)
        if found is None:
            return None
        [evidence] = await self._with_previous([found], await self.scoring.facts.cycle_index())
        return evidence

    async def compute_evidence(
        self, loaded: Loaded, evidences: list[Evidence], report: RescoreReport
    ) -> list[Computed]:
        """The scorecard of each evidence under `loaded`; one without weights for its year
        and cohort is reported as failed and left out."""
        method = loaded.definition.methodology
        assessed, facts = [], []
        with self.seconds.timing("methodology"):
            for evidence in evidences:
                try:
                    scored = assessment.assess(evidence, method)
                except assessment.NoWeights as missing:
                    report.failed.append(whole.Unweighted.of(evidence, missing).reason)
                    continue
                assessed.append((evidence, scored))
                facts.append(assessment.facts_of(evidence, scored))
        with self.seconds.timing("rules"):
            outcomes = await self._evaluated(loaded, facts)
        with self.seconds.timing("methodology"):
            together = zip(assessed, facts, outcomes, strict=True)
            return [
                self._composed(loaded, evidence, scored, session, outcome)
                for (evidence, scored), session, outcome in together
            ]

    async def _evaluated(self, loaded: Loaded, sessions: list[Facts]) -> list[Outcome]:
        """Each session's outcome, the rules given only the facts they may match; one
        holding more of those than the rules' joins were validated for fails alone, without
        running."""
        sessions = [loaded.reach(session) for session in sessions]
        refused = [rules.too_many_combinations(loaded.definition.rules, s) for s in sessions]
        runnable = [s for s, reason in zip(sessions, refused, strict=True) if reason is None]
        ran = iter(await self.engine.evaluate(loaded.key, loaded.compiled, runnable))
        return [Failed(reason) if reason else next(ran) for reason in refused]

    @staticmethod
    def _composed(
        loaded: Loaded,
        evidence: Evidence,
        scored: assessment.Assessment,
        session: list[dict[str, Any]],
        outcome: Any,
    ) -> Computed:
        failure = outcome.reason if isinstance(outcome, Failed) else None
        fired = [] if isinstance(outcome, Failed) else outcome
        content, rules_fired = whole.content_of(loaded.method, evidence, scored, fired, failure)
        return Computed(evidence, content, rules_fired, session, loaded.ruleset.number)

    async def score_whole(
        self, loaded: Loaded, pairs: list[Pair]
    ) -> tuple[list[Storable], RescoreReport]:
        """The pairs' scorecards, each region scored whole in the rules workers
        (`engine.whole`): the methodology too runs there, a batch at a time on each
        worker's core, and this process only reads the evidence and stores what comes back."""
        report = RescoreReport()
        with self.seconds.timing("reading_evidence"):
            evidences = await self._evidences(pairs, report)
        return await self.score_evidences_whole(loaded, evidences, report), report

    async def score_evidences_whole(
        self, loaded: Loaded, evidences: list[Evidence], report: RescoreReport
    ) -> list[Storable]:
        """The scorecard of each evidence, scored whole in the rules workers; one without
        weights for its year and cohort is reported as failed and left out."""
        with self.seconds.timing("rules"):
            task = partial(worker.score, loaded.method)
            outcomes = await self.engine.run(loaded.key, loaded.compiled, task, evidences)
        return self._outcomes(loaded, evidences, outcomes, report)

    async def score_changes_whole(
        self, loaded: Loaded, base: Evidence, tried: list[Change]
    ) -> list[whole.WhatIf]:
        """What the evidence would score once each change is made (a what-if, not stored),
        the changes made and scored in the rules workers; NoWeights when the year and
        cohort have none."""
        spread = -(-len(tried) // self.engine.workers)  # a batch on each worker's core
        with self.seconds.timing("rules"):
            task = partial(worker.try_changes, loaded.method, base)
            outcomes = await self.engine.run(
                loaded.key, loaded.compiled, task, tried, min(MOST_WHAT_IFS_A_BATCH, spread)
            )
        found: list[whole.WhatIf] = []
        for change, outcome in zip(tried, outcomes, strict=True):
            if isinstance(outcome, whole.Unweighted):
                raise assessment.NoWeights(outcome.reason)
            if isinstance(outcome, Failed):  # its batch ran out of time, even alone
                evidence = applied(base, change, loaded.definition.methodology)
                outcome = whole.what_if(
                    loaded.method, assessment.assess(evidence, loaded.definition.methodology),
                    [], outcome.reason,
                )  # fmt: skip
            found.append(outcome)
        return found

    def _outcomes(
        self, loaded: Loaded, evidences: list[Evidence], outcomes: list[Any], report: RescoreReport
    ) -> list[Storable]:
        """What came back for each evidence: scored, reported failed without weights, or
        composed here with the failure when its batch could not run."""
        scored: list[Storable] = []
        for evidence, outcome in zip(evidences, outcomes, strict=True):
            if isinstance(outcome, whole.Scored):
                scored.append(
                    ScoredWhole(evidence, outcome.content, outcome.fired_rules, outcome.digest)
                )
            elif isinstance(outcome, whole.Unweighted):
                report.failed.append(outcome.reason)
            else:  # its batch ran out of time, or lost its process, even alone
                scored += self._failed(loaded, evidence, outcome, report)
        return scored

    def _failed(
        self, loaded: Loaded, evidence: Evidence, failed: Failed, report: RescoreReport
    ) -> list[Storable]:
        """The scorecard of evidence the rules could not be run on, saying why."""
        with self.seconds.timing("methodology"):
            try:
                scored = assessment.assess(evidence, loaded.definition.methodology)
            except assessment.NoWeights as missing:
                report.failed.append(whole.Unweighted.of(evidence, missing).reason)
                return []
            facts = assessment.facts_of(evidence, scored)
            return [self._composed(loaded, evidence, scored, facts, failed)]

    async def _with_previous(self, evidences: list[Evidence], cycles: CycleIndex) -> list[Evidence]:
        """Each evidence with the final index of its region's latest earlier scorecard,
        those scorecards read in one query."""
        earlier = [
            [
                scorecards.scorecard_id(evidence.region.code, cycle_id)
                for cycle_id, (year, region_codes) in cycles.items()
                if year < evidence.year and evidence.region.code in region_codes
            ]
            for evidence in evidences
        ]
        wanted = sorted({key for keys in earlier for key in keys})
        cards = {c.id: c for c in await self.scoring.scorecards.get_many(wanted)} if wanted else {}
        return [
            _after(evidence, [cards[key] for key in keys if key in cards])
            for evidence, keys in zip(evidences, earlier, strict=True)
        ]

    async def rescore(
        self, pairs: list[Pair], causes: Mapping[Pair, Context] | None = None
    ) -> RescoreReport:
        """Rescored in chunks, a few at a time, so that one chunk is read and stored while
        the rules workers evaluate another. A chunk that fails leaves its pairs in the
        report's `unfinished`; what the others stored still moves the rankings, and a cycle
        that could not be ranked is left in `unranked`. A pair's scorecard is stored in a
        span of the trace `causes` gives it, which its published event carries on."""
        loaded = await self.active()
        if loaded is None or not pairs:
            return RescoreReport(waiting=len(pairs))
        in_flight = asyncio.Semaphore(CHUNKS_IN_FLIGHT)
        report = RescoreReport()

        async def store_chunk(chunk: list[Pair]) -> None:
            computed, computing = await self.score_whole(loaded, chunk)
            report.add(computing)
            at = utc_now()
            with self.seconds.timing("storing"):
                keys = [_card_key(item) for item in computed]
                stored = {c.id: c for c in await self.scoring.scorecards.get_many(keys)}
                for key, item in zip(keys, computed, strict=True):
                    cause = (causes or {}).get(_pair(item))
                    with tracing.span(f"score {key}", parent=cause):  # the change's trace
                        await self._store(item, stored.get(key), at, report)

        async def rescore_chunk(chunk: list[Pair]) -> None:
            caused = [link for pair in chunk for link in tracing.link_to((causes or {}).get(pair))]
            async with in_flight:
                try:
                    with tracing.span("scoring chunk", links=caused):
                        await store_chunk(chunk)
                except Exception:
                    log.exception("rescoring %d scorecards failed", len(chunk))
                    report.unfinished += chunk

        chunks = [pairs[i : i + CHUNK] for i in range(0, len(pairs), CHUNK)]
        await asyncio.gather(*(rescore_chunk(c) for c in chunks))
        for cycle_id in report.revised_cycles:
            self._unranked[cycle_id] = next(self._moves)
        await self.rank_pending()
        self.scored_total += report.scored
        self.revised_total += report.revised
        return report

    async def rank_pending(self) -> None:
        """Ranks each cycle whose scorecards moved since its ranking, a cycle at a time; one
        that fails stays due (and is told), the others are ranked. A cycle that moves again
        while it is being ranked stays due too, for its ranking may have read too early."""
        for cycle_id, moved in sorted(self._unranked.items()):
            try:
                with self.seconds.timing("ranking"):
                    await self.scoring.rankings.recompute([cycle_id])
            except Exception:
                log.exception("ranking cycle %s failed; it will be ranked again", cycle_id)
                continue
            if self._unranked.get(cycle_id) == moved:
                del self._unranked[cycle_id]

    @property
    def unranked(self) -> list[str]:
        """The cycles waiting to be ranked again."""
        return sorted(self._unranked)

    def gauges(self) -> dict[str, float]:
        return {
            **{f"scoring_{stage}_seconds_total": value
               for stage, value in dataclasses.asdict(self.seconds).items()},
            "scorecards_computed_total": self.scored_total,
            "scorecards_revised_total": self.revised_total,
            "rules_evaluations_total": self.engine.evaluations_total,
            "rules_failures_total": self.engine.failures_total,
            "rules_worker_pools_started_total": self.engine.pools_started_total,
            "rules_worker_pools_running": self.engine.pools_running,
            "rules_engine_busy_seconds_total": self.engine.busy_seconds,
        }  # fmt: skip

    async def _store(
        self,
        item: Storable,
        current: scorecards.Scorecard | None,
        at: dt.datetime,
        report: RescoreReport,
    ) -> None:
        """The computed scorecard stored over `current`, read with its chunk's others; one
        another writer changed since is left to be rescored."""
        key = _card_key(item)
        report.scored += 1
        if item.content.failure:
            report.failed.append(f"{key}: {item.content.failure}")
        if current is not None and current.source is scorecards.Source.PUBLISHED:
            report.unchanged += 1  # a published result is the record; evidence never moves it
            return
        try:
            if current is None:
                card = scorecards.Scorecard.first(item.evidence, item.content, item.digest, at)
                await self.scoring.scorecards.add(card)
                changed = True
            else:
                if current.input_digest == item.digest and current.content == item.content:
                    report.unchanged += 1
                    return
                changed = current.revise(item.content, item.digest, at)
                await self.scoring.scorecards.save(current)
                card = current
        except (errors.Conflict, errors.StaleWrite):
            report.failed.append(f"{key}: changed by another writer; it will be rescored")
            return
        if changed:
            report.revised += 1
            earliest = report.revised_years.get(card.region_code, card.year)
            report.revised_years[card.region_code] = min(earliest, card.year)
            report.revised_cycles.add(card.cycle_id)
            await self.scoring.scorecards.keep_revision(card)
        else:
            report.unchanged += 1


def _card_key(item: Storable) -> str:
    return scorecards.scorecard_id(*_pair(item))


def _pair(item: Storable) -> Pair:
    return item.evidence.region.code, item.evidence.cycle.id


def _after(evidence: Evidence, earlier: list[scorecards.Scorecard]) -> Evidence:
    """The evidence with the final index of the latest of the region's earlier scorecards."""
    if not earlier:
        return evidence
    latest = max(earlier, key=lambda c: (c.year, c.computed_at))
    return dataclasses.replace(
        evidence,
        previous_final=latest.content.final_index,
        previous_unrounded=latest.content.unrounded,
    )
