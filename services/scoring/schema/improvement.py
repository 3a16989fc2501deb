"""The improvement plan's types: a region's standing, the changes tried on its evidence and the
plan to a target. Candidates and the plan are computed only when asked for, once per request."""

from __future__ import annotations

from typing import Self

import strawberry

from services.kernel.graphql import assumed, first_of, paged, weighed
from services.scoring.domain import changes, planning
from services.scoring.handlers.planner import MAX_CANDIDATES, Candidate, Planner, Session

# what trying every change costs: up to MAX_CANDIDATES scorings in the rules workers
TRYING = 2_500
MOST_RULES_FIRED = 100
MOST_MOVED_FIELDS = 4  # a fact's levers: a program's four

strawberry.enum(
    changes.ChangeKind,
    name="PlanChangeKind",
    description="raise_item: every assessor's score of an item one step higher; score_item: an "
    "item nobody scored, scored; complete_sample: an impact sub-dimension's citizens up to the "
    "target; raise_citizens: its citizens' mean answer one step higher; ready_quick_win: a "
    "program proposed as a quick win with its planning complete by 31 October; meet_rule: a "
    "fact brought to meet the condition of a rule that rewards (raises a dimension, gives a "
    "grade, makes a quick win eligible); escape_rule: a fact brought out of the condition of a "
    "rule that penalises.",
)
strawberry.enum(
    planning.Ending,
    name="PlanEnding",
    description="reached; no_change_helps (no change left raises the index or the rank); "
    "step_limit; budget (the request's evaluations or time were used up).",
)


@strawberry.type
class PlanStanding:
    final_index: float
    grade: str | None
    rank: int = strawberry.field(description="Among the cycle's regions as they stand.")
    rank_in_cohort: int
    rules_fired: list[str] = strawberry.field(directives=assumed(MOST_RULES_FIRED))
    failure: str | None

    @classmethod
    def from_domain(cls, standing: planning.Standing) -> Self:
        return cls(
            final_index=standing.final_index, grade=standing.grade, rank=standing.rank,
            rank_in_cohort=standing.rank_in_cohort, rules_fired=sorted(standing.rules_fired),
            failure=standing.failure,
        )  # fmt: skip


@strawberry.type
class PlanChange:
    kind: changes.ChangeKind
    subject: str = strawberry.field(
        description="The question code, impact sub-dimension or program id changed."
    )
    before: float | None = strawberry.field(
        description="For a rule's change, the first field it moves (`fields`); none for a flag."
    )
    after: float
    rule: str | None = strawberry.field(
        description="The rule whose condition a meet_rule or escape_rule change meets or escapes."
    )
    fields: list[str] = strawberry.field(
        description="The fact's fields a rule's change moves (`score`, `fill_percent`, "
        "`implementation_percent`...); empty for the other kinds.",
        directives=assumed(MOST_MOVED_FIELDS),
    )

    @classmethod
    def from_domain(cls, change: changes.Change) -> Self:
        return cls(
            kind=change.kind, subject=change.subject, before=change.before, after=change.after,
            rule=change.rule or None, fields=[edit.field for edit in change.edits],
        )  # fmt: skip


@strawberry.type
class PlanCandidate:
    change: PlanChange
    standing: PlanStanding = strawberry.field(description="Once this change alone is made.")
    index_change: float
    rank_in_cohort_change: int = strawberry.field(description="Places gained in the cohort.")
    newly_firing: list[str] = strawberry.field(directives=assumed(MOST_RULES_FIRED))
    no_longer_firing: list[str] = strawberry.field(directives=assumed(MOST_RULES_FIRED))

    @classmethod
    def from_domain(cls, candidate: Candidate, start: planning.Standing) -> Self:
        after = candidate.standing
        return cls(
            change=PlanChange.from_domain(candidate.change),
            standing=PlanStanding.from_domain(after),
            index_change=round(after.final_index - start.final_index, 6),
            rank_in_cohort_change=start.rank_in_cohort - after.rank_in_cohort,
            newly_firing=list(candidate.newly_firing),
            no_longer_firing=list(candidate.no_longer_firing),
        )


@strawberry.type
class PlanStep:
    change: PlanChange
    standing: PlanStanding = strawberry.field(description="After this step and those before.")

    @classmethod
    def from_domain(cls, step: planning.Step) -> Self:
        return cls(
            change=PlanChange.from_domain(step.change),
            standing=PlanStanding.from_domain(step.standing),
        )


@strawberry.type
class PlanToTarget:
    target: str
    reached: bool
    ending: planning.Ending
    steps: list[PlanStep] = strawberry.field(directives=assumed(planning.Limits().steps))
    evaluated: int = strawberry.field(description="States of the evidence scored for the plan.")

    @classmethod
    def from_domain(cls, target: planning.Target, plan: planning.Plan) -> Self:
        return cls(
            target=str(target),
            reached=plan.ending is planning.Ending.REACHED,
            ending=plan.ending,
            steps=[PlanStep.from_domain(step) for step in plan.steps],
            evaluated=plan.evaluated,
        )


@strawberry.type(
    description="What would raise a region's index most: each change its evidence allows, "
    "scored by the methodology and the rules of the rule set, and the fewest changes that "
    "reach the target. With `scores`, the evidence is the what-if one."
)
class ImprovementPlan:
    region_code: str
    cycle_id: str
    rule_set_version: int
    standing: PlanStanding = strawberry.field(description="The evidence as it stands.")
    candidate_limit: int = strawberry.field(description="The most changes tried per request.")
    target: strawberry.Private[planning.Target | None]
    session: strawberry.Private[Session]
    planner: strawberry.Private[Planner]

    @classmethod
    def of(cls, planner: Planner, session: Session, target: planning.Target | None) -> Self:
        return cls(
            region_code=session.region_code, cycle_id=session.cycle_id,
            rule_set_version=session.ruleset_version,
            standing=PlanStanding.from_domain(session.standing),
            candidate_limit=MAX_CANDIDATES, target=target, session=session, planner=planner,
        )  # fmt: skip

    @strawberry.field(
        description="The changes tried, worth most first.", directives=paged(weight=TRYING)
    )
    async def candidates(self, first: int = 20) -> list[PlanCandidate]:
        found = await self.planner.candidates(self.session)
        start = self.session.standing
        return [PlanCandidate.from_domain(c, start) for c in first_of(found, first)]

    @strawberry.field(
        description="Changes the evidence allows: past the limit, the first are tried."
    )
    def candidates_considered(self) -> int:
        return self.planner.considered(self.session)

    @strawberry.field(
        description="Whether every change was tried, within the limit and the time budget.",
        directives=weighed(TRYING),
    )
    async def complete(self) -> bool:
        await self.planner.candidates(self.session)
        return self.session.complete

    @strawberry.field(
        description="The plan to the target; null when no target was given.",
        directives=weighed(TRYING),
    )
    async def plan(self) -> PlanToTarget | None:
        if self.target is None:
            return None
        found = await self.planner.plan(self.session, self.target)
        return PlanToTarget.from_domain(self.target, found)


@strawberry.input
class ItemScoreInput:
    question_code: str
    score: int
