"""The plan as a pure function of what each state scores: steps each worth the most, a target
read from text, and a plan cut short by its budget keeping the steps it found."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from services.kernel import errors
from services.scoring.domain import assessment, definitions
from services.scoring.domain.changes import Change, applied, changes_of
from services.scoring.domain.evidence import Evidence
from services.scoring.domain.planning import (
    Ending,
    OutOfBudget,
    Standing,
    TargetKind,
    Tried,
    plan_to,
    read_target,
)
from tests.scoring.conftest import MALANG
from tests.scoring.evidence import region_evidence

DEFAULT = Path(__file__).resolve().parents[2] / "services/scoring/shipped/default_ruleset.yaml"
METHOD = definitions.read(yaml.safe_load(DEFAULT.read_text()))[0].methodology  # type: ignore[union-attr]


def standing_of(evidence: Evidence) -> Standing:
    """The methodology's final alone: what the plan needs of a scorer."""
    final = float(assessment.assess(evidence, METHOD).final_index)
    return Standing(final, METHOD.grade(assessment.assess(evidence, METHOD).final_index), 1, 1,
                    frozenset())  # fmt: skip


async def scored(evidence: Evidence, changes: list[Change]) -> list[Standing]:
    return [standing_of(applied(evidence, change, METHOD)) for change in changes]


async def first_tried(start: Evidence) -> list[Tried]:
    changes = changes_of(start, METHOD)
    return [Tried(c, s) for c, s in zip(changes, await scored(start, changes), strict=True)]


async def test_each_step_is_the_one_worth_most_and_the_plan_stops_at_the_target():
    start = region_evidence(MALANG)
    now = standing_of(start)
    target = read_target(f"{now.final_index + 0.1:.2f}", METHOD)
    plan = await plan_to(target, start, now, await first_tried(start), METHOD, scored)
    assert plan.ending is Ending.REACHED
    finals = [now.final_index, *(s.standing.final_index for s in plan.steps)]
    assert finals == sorted(finals) and finals[-1] >= target.index > finals[-2]
    best_first = max(t.standing.final_index for t in await first_tried(start))
    assert plan.steps[0].standing.final_index == best_first


async def test_a_plan_out_of_budget_keeps_the_steps_it_found():
    start = region_evidence(MALANG)
    calls = 0

    async def two_rounds(evidence: Evidence, changes: list[Change]) -> list[Standing]:
        nonlocal calls
        calls += 1
        if calls > 2:
            raise OutOfBudget
        return await scored(evidence, changes)

    now = standing_of(start)
    target = read_target("Sangat Baik", METHOD)
    plan = await plan_to(target, start, now, await first_tried(start), METHOD, two_rounds)
    assert plan.ending is Ending.BUDGET and len(plan.steps) == 2


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [("3.0", TargetKind.INDEX, 3.0), ("baik", TargetKind.GRADE, "Baik"),
     ("Sangat Baik", TargetKind.GRADE, "Sangat Baik"), ("rank:12", TargetKind.RANK, 12)],
)  # fmt: skip
def test_a_target_is_an_index_a_grade_of_the_rule_set_or_a_rank(text, kind, value):
    target = read_target(text, METHOD)
    assert target.kind is kind
    assert {TargetKind.INDEX: target.index, TargetKind.GRADE: target.grade,
            TargetKind.RANK: target.rank}[kind] == value  # fmt: skip


@pytest.mark.parametrize("text", ["Luar Biasa", "rank:0", "rank:-3", "3,0", "x" * 41])
def test_anything_else_is_refused_at_the_target(text):
    with pytest.raises(errors.BadUserInput) as refused:
        read_target(text, METHOD)
    assert refused.value.field == "target"
