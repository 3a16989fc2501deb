"""The scoring subgraph's output types: each translates one domain object."""

from __future__ import annotations

from typing import Any, Self

import strawberry
from strawberry.scalars import JSON

from services.contracts import reference
from services.kernel.graphql import SMALL_PAGE, assumed, first_of, paged
from services.kernel.output_types import FilledByName, translated
from services.scoring.domain import assessment, rulesets, scorecards
from services.scoring.domain.published import MAX_ROWS
from services.scoring.handlers.letters import letter_path
from services.scoring.handlers.scorer import RescoreReport
from services.scoring.handlers.simulation import RegionChange as DomainChange

PROBLEMS_SIZE = assumed(rulesets.MOST_PROBLEMS)


@strawberry.type(name="RuleSetProblem")
class Problem(FilledByName):
    """One located error in a rule set document."""

    rule_id: str | None
    path: str
    message: str
    line: int | None = strawberry.field(
        description="The document's line the path points to, from 1; null when it has none."
    )


@strawberry.type
class ValidationResult:
    valid: bool
    problems: list[Problem] = strawberry.field(directives=PROBLEMS_SIZE)


@strawberry.type
class RuleSet:
    id: strawberry.ID
    version: int
    name: str
    text: str
    author: str
    created_at: str
    based_on: int | None
    status: str = strawberry.field(description="active, valid (can be activated) or invalid")
    problems: list[Problem] = strawberry.field(directives=PROBLEMS_SIZE)

    @classmethod
    def from_domain(cls, ruleset: rulesets.RuleSet, active: int | None) -> Self:
        status = (
            "active" if ruleset.number == active else "valid" if ruleset.is_valid else "invalid"
        )
        # a rule set stored before its problems were cut shows as many as one now keeps
        shown = [Problem.from_domain(p) for p in ruleset.problems[: rulesets.MOST_PROBLEMS]]
        return translated(
            cls, ruleset, version=ruleset.number, created_at=ruleset.created_at.isoformat(),
            status=status, problems=shown,
        )  # fmt: skip


@strawberry.type
class AuditEntry:
    action: str
    actor: str
    version: int
    at: str
    detail: dict[str, Any] = strawberry.field(graphql_type=JSON)

    @classmethod
    def from_entry(cls, entry: dict[str, Any]) -> Self:
        named = ("action", "actor", "ruleset", "at")
        return cls(
            action=entry["action"],
            actor=entry["actor"],
            version=entry["ruleset"],
            at=entry["at"].isoformat(),
            detail={k: v for k, v in entry.items() if k not in named},
        )


@strawberry.type
class DimensionScore:
    dimension: str
    score: float | None
    weight: int
    scored_items: int
    items: int
    adjusted_by: float


@strawberry.type
class SmartDimensionScore:
    dimension: str
    score: float | None


@strawberry.type
class Flag:
    rule_id: str
    code: str
    severity: str
    message: str


@strawberry.type
class Recommendation:
    rule_id: str
    text: str
    dimension: str | None


@strawberry.type
class QuickWinDecision:
    program_id: str
    eligible: bool
    reason: str
    rule_id: str

    @classmethod
    def from_decision(cls, program_id: str, decided: dict[str, Any]) -> Self:
        return cls(
            program_id=program_id,
            eligible=bool(decided["eligible"]),
            reason=str(decided["reason"]),
            rule_id=str(decided["rule"]),
        )


@strawberry.type(description="The rules' decision on a program were it proposed as a quick win.")
class QuickWinReadiness:
    decision: QuickWinDecision | None = strawberry.field(
        description="Null when no rule of the active rule set decides."
    )
    planning_percent: float = strawberry.field(
        description="The program's planning progress as scoring has counted it: a report the "
        "catalog has just taken may not be part of it yet."
    )


@strawberry.type
class RuleFiring:
    rule_id: str
    description: str
    matched: dict[str, Any] = strawberry.field(
        graphql_type=JSON, description="The facts the rule matched, by alias."
    )
    effects: list[str]


@strawberry.type(description="How much evidence a scorecard rests on.")
class Counted:
    assessor_scores: int
    citizen_responses: int
    programs: int

    @classmethod
    def of(cls, counted: dict[str, int]) -> Self:
        """Scorecards stored before the counts were kept read as zero."""
        return cls(
            assessor_scores=counted.get("assessor_scores", 0),
            citizen_responses=counted.get("citizen_responses", 0),
            programs=counted.get("programs", 0),
        )


@strawberry.type(
    description="An impact sub-dimension as the assessors scored it and as its citizens "
    "answered, side by side; the methodology's impact source says which of them counts."
)
class ImpactSurvey:
    sub_dimension: str
    smart_dimension: str
    assessors_score: float | None = strawberry.field(
        description="The mean of the sub-dimension's impact items as the assessors scored them."
    )
    citizens_score: float | None = strawberry.field(
        description="The citizens' mean answers mapped onto the score scale."
    )
    citizens_mean_answer: float | None = strawberry.field(
        description="The citizens' mean answer on their own answer scale."
    )
    respondents: int

    @classmethod
    def of(cls, beside: scorecards.ImpactBeside) -> Self:
        return cls(
            sub_dimension=beside.sub_dimension, smart_dimension=beside.smart_dimension,
            assessors_score=beside.assessors, citizens_score=beside.citizens,
            citizens_mean_answer=beside.mean_answer, respondents=beside.respondents,
        )  # fmt: skip


def _letter_url(root: Scorecard) -> str:
    return letter_path(root.region_code, root.cycle_id)


def _impact_survey(root: Scorecard) -> list[ImpactSurvey]:
    return [ImpactSurvey.of(b) for b in root.content.impact_survey]


def _dimensions(root: Scorecard) -> list[DimensionScore]:
    return [translated(DimensionScore, d) for d in root.content.dimensions]


def _smart_dimensions(root: Scorecard) -> list[SmartDimensionScore]:
    return [
        SmartDimensionScore(dimension=k, score=v) for k, v in root.content.smart_dimensions.items()
    ]


FIRED = SMALL_PAGE  # flags, recommendations or firings shown when `first` is left out


def _flags(root: Scorecard, first: int = FIRED) -> list[Flag]:
    return [_flag(f) for f in first_of(root.content.flags, first)]


def _recommendations(root: Scorecard, first: int = FIRED) -> list[Recommendation]:
    return [_recommendation(r) for r in first_of(root.content.recommendations, first)]


def _quick_wins(root: Scorecard, first: int = SMALL_PAGE) -> list[QuickWinDecision]:
    decided = first_of(list(root.content.quick_wins.items()), first)
    return [QuickWinDecision.from_decision(k, v) for k, v in decided]


def _values(root: Scorecard) -> dict[str, Any]:
    return root.content.values


def _explanation(root: Scorecard, first: int = FIRED) -> list[RuleFiring]:
    return [_firing(f) for f in first_of(root.content.explanation, first)]


def _counted(root: Scorecard) -> Counted:
    return Counted.of(root.content.counted)


strawberry.enum(scorecards.Source, name="ScorecardSource")


@strawberry.type
class Scorecard:
    """A scorecard as the API shows it: its numbers are copied, its lists made only when a
    query selects them (a page of regions asks for the final index and little else)."""

    content: strawberry.Private[scorecards.Content]
    id: strawberry.ID
    region_code: str
    cycle_id: str
    cohort: str
    year: int
    ruleset_version: int
    final_index: float
    grade: str | None
    dimensions: list[DimensionScore] = strawberry.field(
        resolver=_dimensions, directives=assumed(len(assessment.EVALUATION_DIMENSIONS))
    )
    smart_dimensions: list[SmartDimensionScore] = strawberry.field(
        resolver=_smart_dimensions, directives=assumed(len(assessment.SMART_DIMENSIONS))
    )
    previous_final_index: float | None
    improvement: float | None
    flags: list[Flag] = strawberry.field(resolver=_flags, directives=paged())
    recommendations: list[Recommendation] = strawberry.field(
        resolver=_recommendations, directives=paged()
    )
    quick_wins: list[QuickWinDecision] = strawberry.field(resolver=_quick_wins, directives=paged())
    values: dict[str, Any] = strawberry.field(resolver=_values, graphql_type=JSON)
    explanation: list[RuleFiring] = strawberry.field(resolver=_explanation, directives=paged())
    failure: str | None
    counted: Counted = strawberry.field(resolver=_counted)
    impact_survey: list[ImpactSurvey] = strawberry.field(
        resolver=_impact_survey, directives=assumed(len(reference.DIMENSION_OF_SUB))
    )
    letter_url: str = strawberry.field(
        resolver=_letter_url,
        description="Where the results letter (PDF, Bahasa Indonesia) is: a path on the "
        "gateway, fetched with the same bearer token as this query.",
    )
    input_digest: str
    revision: int
    computed_at: str
    source: scorecards.Source = strawberry.field(
        description="COMPUTED from the cycle's evidence, or PUBLISHED: imported as published."
    )
    document: str | None = strawberry.field(
        description="The letter or report a published scorecard came from."
    )
    rank: int | None = None
    rank_in_cohort: int | None = None

    @classmethod
    def from_domain(
        cls, card: scorecards.Scorecard, rank: int | None = None, rank_in_cohort: int | None = None
    ) -> Self:
        c = card.content
        return cls(
            id=strawberry.ID(card.id), region_code=card.region_code, cycle_id=card.cycle_id,
            cohort=card.cohort, year=card.year, ruleset_version=c.ruleset_version,
            final_index=c.final_index, grade=c.grade, previous_final_index=c.previous_final_index,
            improvement=c.improvement, failure=c.failure, input_digest=card.input_digest,
            revision=card.revision, computed_at=card.computed_at.isoformat(), rank=rank,
            rank_in_cohort=rank_in_cohort, content=c, source=card.source,
            document=card.document or None,
        )  # fmt: skip


def _flag(flag: dict[str, str]) -> Flag:
    return Flag(
        rule_id=flag["rule"], code=flag["code"], severity=flag["severity"], message=flag["message"]
    )


def _recommendation(said: dict[str, str | None]) -> Recommendation:
    return Recommendation(
        rule_id=str(said["rule"]), text=str(said["text"]), dimension=said.get("dimension")
    )


def _firing(firing: scorecards.Firing) -> RuleFiring:
    return RuleFiring(
        rule_id=firing.rule_id,
        description=firing.description,
        matched=firing.matched,
        effects=list(firing.effects),
    )


@strawberry.type
class RegionChange:
    region_code: str
    old_final_index: float | None
    new_final_index: float | None
    change: float
    old_rank: int | None
    new_rank: int | None
    rank_change: int
    newly_firing: list[str]
    no_longer_firing: list[str]
    failure: str | None

    @classmethod
    def from_domain(cls, change: DomainChange) -> Self:
        return cls(
            region_code=change.region_code, old_final_index=change.old_final,
            new_final_index=change.new_final, change=change.change, old_rank=change.old_rank,
            new_rank=change.new_rank, rank_change=change.rank_change,
            newly_firing=list(change.newly_firing), no_longer_firing=list(change.no_longer_firing),
            failure=change.failure,
        )  # fmt: skip


@strawberry.type
class DocumentSimulation:
    valid: bool
    problems: list[Problem] = strawberry.field(directives=PROBLEMS_SIZE)
    changes: list[RegionChange] = strawberry.field(
        description="Biggest movers first.", directives=assumed(reference.MAX_CYCLE_REGIONS)
    )


@strawberry.type
class RescoreResult:
    scored: int
    revised: int
    unchanged: int
    waiting: int
    failed: list[str]

    @classmethod
    def from_report(cls, report: RescoreReport) -> Self:
        return translated(cls, report)


@strawberry.type
class ImportedResults:
    imported: int
    revised: int
    unchanged: int
    stored: bool = strawberry.field(description="False for a dry run.")
    scorecards: list[Scorecard] = strawberry.field(
        description="The rows' scorecards, with the flags of a final or weights that disagree.",
        directives=assumed(MAX_ROWS),
    )
