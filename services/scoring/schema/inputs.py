"""GraphQL inputs of scoring: a rule set to draft, published results to import."""

from __future__ import annotations

import math
from fractions import Fraction

import strawberry

from services.kernel.errors import ProblemCollector
from services.scoring import commands
from services.scoring.domain.published import PublishedResult


@strawberry.input
class DraftRuleSetInput(commands.DraftRuleSet):
    text: str = strawberry.field(description="The rule set document, YAML or JSON.")

    def command(self) -> commands.DraftRuleSet:
        return commands.DraftRuleSet(self.text, self.based_on)


@strawberry.input
class PublishedScoreInput:
    dimension: str = strawberry.field(description="An evaluation dimension: baseline, output...")
    score: float
    weight: int = strawberry.field(description="Its weight that year, in percent.")


@strawberry.input(description="One region's result in one cycle, as it was published.")
class PublishedResultInput:
    region_code: str
    cycle_id: str | None = strawberry.field(
        description="The cycle it belongs to; a dry run checks a row without one, save its "
        "cycle, and an import refuses it."
    )
    year: int
    cohort: str
    scores: list[PublishedScoreInput]
    final_index: float
    document: str = strawberry.field(description="The letter or report it was published in.")
    grade: str | None = None

    def result(self, problems: ProblemCollector, at: str) -> PublishedResult:
        """The row as a published result (without a cycle: its cycle id is empty)."""
        scores: dict[str, Fraction] = {}
        weights: dict[str, int] = {}
        for index, given in enumerate(self.scores):
            problems.check(
                given.dimension not in scores,
                f"{at}.scores[{index}].dimension",
                f"{given.dimension} is given twice",
            )
            scores[given.dimension] = _exact(given.score, problems, f"{at}.scores[{index}].score")
            weights[given.dimension] = given.weight
        final = _exact(self.final_index, problems, f"{at}.finalIndex")
        return PublishedResult(
            region_code=self.region_code, cycle_id=self.cycle_id or "", year=self.year,
            cohort=self.cohort, scores=scores, weights=weights, final_index=final,
            document=self.document, grade=self.grade,
        )  # fmt: skip


def _exact(value: float, problems: ProblemCollector, field: str) -> Fraction:
    """The number as written (1.40 is 7/5, not the float nearest to it)."""
    if not math.isfinite(value):
        problems.add(field, "give a number")
        return Fraction(0)
    return Fraction(repr(value))


@strawberry.input
class ImportPublishedResultsInput:
    rows: list[PublishedResultInput]
    dry_run: bool = strawberry.field(
        default=False, description="Checks and computes every row, storing nothing."
    )
