"""The scoring subgraph: rule sets, scorecards, rankings, simulations; Region and Program gain
their scorecards and quick-win assessments through federation."""

from __future__ import annotations

import strawberry

from services.contracts import reference
from services.kernel import errors
from services.kernel.errors import ProblemCollector, located
from services.kernel.graphql import (
    DEFAULT_PAGE,
    ROUND_TRIP,
    ReplayedEvents,
    SubgraphSchema,
    UndeliveredEvent,
    assumed,
    paged,
    replay_undelivered_events_field,
    undelivered_events_field,
    weighed,
)
from services.kernel.repository import Page
from services.scoring import access
from services.scoring.domain import planning, rulesets, scorecards
from services.scoring.domain.ranking import CycleRanking
from services.scoring.handlers import published, simulation
from services.scoring.handlers import rulesets as ruleset_use_cases
from services.scoring.schema.entities import (
    Program,
    Region,
    ScoringInfo,
    ranked,
    readable,
    with_ranks,
)
from services.scoring.schema.improvement import ImprovementPlan, ItemScoreInput
from services.scoring.schema.inputs import DraftRuleSetInput, ImportPublishedResultsInput
from services.scoring.schema.live import Subscription
from services.scoring.schema.types import (
    AuditEntry,
    DocumentSimulation,
    ImportedResults,
    Problem,
    RegionChange,
    RescoreResult,
    RuleSet,
    Scorecard,
    ValidationResult,
)


def version_of(ruleset_id: str) -> int:
    text = str(ruleset_id).removeprefix("v")
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise errors.BadUserInput(f"{ruleset_id!r} is not a rule set id (v1, v2, ...)", "id")
    return int(text)


async def _active_number(info: ScoringInfo) -> int | None:
    found = await ruleset_use_cases.active_ruleset(info.context.scoring)
    return found.number if found else None


@strawberry.type
class Query:
    scoring_undelivered_events: list[UndeliveredEvent] = undelivered_events_field()

    @strawberry.field
    async def scorecard(
        self, info: ScoringInfo, region_code: str, cycle_id: str
    ) -> Scorecard | None:
        found = await info.context.scoring.scorecards.get(
            scorecards.scorecard_id(region_code, cycle_id)
        )
        shown = await readable(info, [found]) if found else []
        return (await ranked(info, shown))[0] if shown else None

    @strawberry.field(
        description="A cycle's scorecards in order of final index, best first.",
        directives=assumed(reference.MAX_CYCLE_REGIONS),
    )
    async def ranking(
        self, info: ScoringInfo, cycle_id: str, cohort: str | None = None
    ) -> list[Scorecard]:
        everyone = await info.context.scoring.scorecards.of_cycle(cycle_id)
        # ranked from the very scorecards shown, so ranks and finals always agree, even
        # while a rescoring has stored a scorecard and not yet the cycle's ranking
        standings = CycleRanking.of(card.standing for card in everyone)
        cards = await readable(info, everyone)
        chosen = [c for c in cards if cohort in (None, c.cohort)]
        ranked = with_ranks(chosen, {cycle_id: standings})
        key = (lambda s: s.rank_in_cohort or 0) if cohort else (lambda s: s.rank or 0)
        return sorted(ranked, key=lambda s: (key(s), s.region_code))

    @strawberry.field(
        description="What would raise the region's index most in a cycle (its latest scored "
        "one when none is named), under the active rule set or the one named: each change "
        "its evidence allows, scored by the rules, and the fewest that reach `target` (a final "
        "index such as 3.0, a grade such as Baik, or rank:N in its cohort). With `scores`, "
        "hypothetical item scores, it answers for that what-if instead.",
        directives=weighed(ROUND_TRIP),
    )
    async def improvement_plan(
        self,
        info: ScoringInfo,
        region_code: str,
        cycle_id: str | None = None,
        target: str | None = None,
        rule_set_id: strawberry.ID | None = None,
        scores: list[ItemScoreInput] | None = None,
    ) -> ImprovementPlan:
        context = info.context
        number = version_of(str(rule_set_id)) if rule_set_id is not None else None
        what_if = {s.question_code: s.score for s in scores or []}
        session = await context.planner.session(
            context.principal, region_code, cycle_id, number, what_if
        )
        method = session.loaded.definition.methodology
        wanted = planning.read_target(target, method) if target is not None else None
        return ImprovementPlan.of(context.planner, session, wanted)

    @strawberry.field(description="Rule set versions, newest first.", directives=paged())
    async def rule_sets(self, info: ScoringInfo, first: int = DEFAULT_PAGE) -> list[RuleSet]:
        access.require_ruleset_reader(info.context.principal)
        active = await _active_number(info)
        found = await info.context.scoring.rulesets.newest(Page(first).first)
        return [RuleSet.from_domain(r, active) for r in found]

    @strawberry.field
    async def rule_set(self, info: ScoringInfo, id: strawberry.ID) -> RuleSet | None:
        access.require_ruleset_reader(info.context.principal)
        with located(""):
            number = version_of(str(id))
        found = await info.context.scoring.rulesets.get(rulesets.ruleset_id(number))
        return RuleSet.from_domain(found, await _active_number(info)) if found else None

    @strawberry.field(
        description="Who drafted and activated which rule set: the latest `first`, oldest first.",
        directives=paged(),
    )
    async def rule_set_audit(
        self, info: ScoringInfo, id: strawberry.ID | None = None, first: int = DEFAULT_PAGE
    ) -> list[AuditEntry]:
        access.require_ruleset_reader(info.context.principal)
        number = version_of(str(id)) if id is not None else None
        entries = await info.context.scoring.audit.entries(number, Page(first).first)
        return [AuditEntry.from_entry(e) for e in entries]


@strawberry.type
class Mutation:
    scoring_replay_undelivered_events: ReplayedEvents = replay_undelivered_events_field()

    @strawberry.mutation(
        description="Stores a new version; an invalid one is kept with its problems."
    )
    async def draft_rule_set(self, info: ScoringInfo, input: DraftRuleSetInput) -> RuleSet:
        with located("input"):
            ruleset = await ruleset_use_cases.draft(
                input.command(), info.context.principal, info.context.scoring
            )
        return RuleSet.from_domain(ruleset, await _active_number(info))

    @strawberry.mutation(description="Checks a document without storing it.")
    async def validate_rule_set(self, info: ScoringInfo, text: str) -> ValidationResult:
        problems = ruleset_use_cases.validate(text, info.context.principal)
        return ValidationResult(
            valid=not problems, problems=[Problem.from_domain(p) for p in problems]
        )

    @strawberry.mutation(
        description="Scores a cycle under a version without storing or publishing.",
        directives=assumed(reference.MAX_CYCLE_REGIONS),
    )
    async def simulate_rule_set(
        self, info: ScoringInfo, id: strawberry.ID, cycle_id: str
    ) -> list[RegionChange]:
        number = version_of(str(id))
        changes = await simulation.simulate(
            number, cycle_id, info.context.principal, info.context.scorer
        )
        return [RegionChange.from_domain(c) for c in changes]

    @strawberry.mutation(
        description="Scores a cycle under a rule set document without storing it: its "
        "problems, or what it would change. Its rules run in workers that stop afterwards.",
    )
    async def simulate_rule_set_document(
        self, info: ScoringInfo, text: str, cycle_id: str
    ) -> DocumentSimulation:
        problems, changes = await simulation.simulate_document(
            text, cycle_id, info.context.principal, info.context.scorer
        )
        return DocumentSimulation(
            valid=not problems,
            problems=[Problem.from_domain(p) for p in problems],
            changes=[RegionChange.from_domain(c) for c in changes],
        )

    @strawberry.mutation(description="Makes a version active (an earlier one too) and rescores.")
    async def activate_rule_set(self, info: ScoringInfo, id: strawberry.ID) -> RuleSet:
        ruleset = await ruleset_use_cases.activate(
            version_of(str(id)), info.context.principal, info.context.scoring
        )
        rescorer = info.context.rescorer
        await rescorer.mark_all()
        return RuleSet.from_domain(ruleset, ruleset.number)

    @strawberry.mutation(
        description="Imports results as they were published (admins): every row is checked "
        "before any is stored; each becomes its region's PUBLISHED scorecard for the cycle."
    )
    async def import_published_results(
        self, info: ScoringInfo, input: ImportPublishedResultsInput
    ) -> ImportedResults:
        problems = ProblemCollector()
        with located("input"):
            rows = [row.result(problems, f"rows[{i}]") for i, row in enumerate(input.rows)]
            report = await published.import_published(
                rows, info.context.principal, info.context.scoring, info.context.rescorer,
                dry_run=input.dry_run, problems=problems,
            )  # fmt: skip
        return ImportedResults(
            imported=report.imported, revised=report.revised, unchanged=report.unchanged,
            scorecards=await ranked(info, report.scorecards), stored=not input.dry_run,
        )  # fmt: skip

    @strawberry.mutation(
        description="Rescores a cycle (or everything) now and reports the outcome."
    )
    async def rescore(self, info: ScoringInfo, cycle_id: str | None = None) -> RescoreResult:
        ruleset_use_cases.require_admin(info.context.principal)
        pairs = [p for p in await info.context.scoring.facts.pairs() if cycle_id in (None, p[1])]
        report = await info.context.scorer.rescore(pairs)
        for region_code, unfinished_cycle in report.unfinished:  # left to the background
            info.context.rescorer.mark(region_code, unfinished_cycle)
            report.failed.append(f"{region_code}:{unfinished_cycle}: failed; it will be rescored")
        info.context.rescorer.rank_again()  # a cycle it could not rank, in the background
        return RescoreResult.from_report(report)


schema = SubgraphSchema(
    query=Query, mutation=Mutation, subscription=Subscription, types=[Region, Program]
)
