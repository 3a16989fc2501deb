"""A plan's what-ifs assessed from the region's own assessment, and their rules run again only
when a fact within their reach changed, give exactly the final index, grade and rules fired
that scoring each changed evidence whole gives: on every change a plan tries, under rules that reach dimensions, the final,
items, samples and programs, and with durable_rules in the rules workers."""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import partial
from pathlib import Path

import pytest
import yaml

from services.contracts.progress import ProgressPoint
from services.scoring.domain import assessment, definitions
from services.scoring.domain.changes import applied, changes_of
from services.scoring.domain.evidence import Evidence, Program
from services.scoring.domain.reach import Reach
from services.scoring.domain.reassessment import Assessed
from services.scoring.engine import compiler, whole, worker
from services.scoring.engine.pool import RulesEngine
from tests.scoring.conftest import MALANG
from tests.scoring.evidence import region_evidence

DEFAULT = Path(__file__).resolve().parents[2] / "services/scoring/shipped/default_ruleset.yaml"
MORE_RULES = """
- id: final-three
  description: a final of 2.52 or more is told
  when: {all: [{fact: final, as: f, where: [{field: index, op: ">=", value: 2.52}]}]}
  then: [{flag: {code: final-three, severity: info, message: "final {f.index}"}}]
- id: output-below-1-6
  description: output below 1.6 is flagged
  when: {all: [{fact: dimension_score, as: d, where: [
    {field: dimension, op: "==", value: output}, {field: score, op: "<", value: 1.6}]}]}
  then: [{flag: {code: output-low, severity: warning, message: "output {d.score}"}}]
- id: c32-high
  description: C.32 at 3 or more earns baseline a fifth
  when: {all: [{fact: question, as: q, where: [
    {field: code, op: "==", value: C.32}, {field: score, op: ">=", value: 3}]}]}
  then: [{adjust_score: {dimension: baseline, by: 0.2, min: 0, max: 4}}]
- id: program-delivered
  description: a program past 80% implemented earns output a tenth
  when: {all: [{fact: program, as: p, where: [
    {field: implementation_percent, op: ">=", value: 80}]}]}
  then: [{adjust_score: {dimension: output, by: 0.1, min: 0, max: 4}}]
"""


def definition():
    document = yaml.safe_load(DEFAULT.read_text())
    document["rules"] += yaml.safe_load(MORE_RULES)
    found, problems = definitions.read(document)
    assert found is not None and not problems, problems
    return found


def rich_evidence() -> Evidence:
    """Malang's 2022 scores, two items unscored, citizens answering two impact
    sub-dimensions (one short of its sample) and three programs."""
    evidence = region_evidence(MALANG, programs=(
        Program("p-1", "one", "output", "", "implementation", 2021, 2024, 30.0, 40.0,
                progress=(ProgressPoint("planning", 50.0, dt.date(2022, 9, 1)),),
                quick_win_years=(2022,)),
        Program("p-2", "two", "outcome", "", "planning", 2022, 2025, 90.0, 85.0),
        Program("p-3", "three", "impact", "", "planning", 2022, 2025, 10.0, 0.0),
    ))  # fmt: skip
    questions = dict(evidence.questions)
    for n, code in enumerate(("D.1", "D.2", "D.3", "D.4")):
        sub = "public_service" if n < 2 else "health"
        questions[code] = dataclasses.replace(questions[code], sub_dimension=sub)
    scores = {c: s for c, s in evidence.assessor_scores.items() if c not in ("B.7", "E.12")}
    return dataclasses.replace(
        evidence,
        questions=questions,
        assessor_scores=scores,
        citizen_answers={"D.1": (60, 30), "D.2": (75, 30), "D.3": (150, 50), "D.4": (120, 50)},
        citizen_scales={"D.1": (1, 4), "D.2": (1, 4)},
        citizen_respondents={"public_service": 30, "health": 50},
    )


def tried(evidence: Evidence) -> list:
    rules = definition()
    return changes_of(evidence, rules.methodology, rules.rules)


def test_every_change_assessed_from_the_first_equals_it_assessed_whole():
    evidence, method = rich_evidence(), definition().methodology
    first = Assessed.of(evidence, method)
    changes = tried(evidence)
    kinds = {change.kind for change in changes}
    assert len(kinds) == 7 and len(changes) > 120, kinds  # every kind of change is tried
    for change in changes:
        changed = applied(evidence, change, method)
        now = first.changed_to(changed, method)
        whole_assessment = assessment.assess(changed, method)
        assert now.assessment == whole_assessment, change
        assert now.facts == assessment.facts_of(changed, whole_assessment), change


def standing(scored: whole.Scored) -> whole.WhatIf:
    """What a what-if gives of a scorecard scored whole."""
    content = scored.content
    return whole.WhatIf(content.final_index, content.grade, scored.fired_rules, content.failure)


def fire_on(rules):
    """A stand-in for durable_rules on rules of one pattern tested against values: each
    rule fires once for each fact its pattern matches. It counts its calls."""
    each = [(n, rule.patterns[0].alias, Reach([rule])) for n, rule in enumerate(rules)]
    calls = []

    def fire(session):
        calls.append(len(session))
        return [
            (compiler.rule_name(n), {alias: fact})
            for n, alias, reach in each
            for fact in reach(session)
        ]

    return fire, calls


def test_the_rules_run_again_only_when_a_fact_in_their_reach_changed_and_fire_the_same():
    evidence, rules = rich_evidence(), definition()
    method = whole.Method(7, rules)
    changes = tried(evidence)
    fire, calls = fire_on(rules.rules)
    found = whole.try_changes(method, evidence, changes, fire)
    reused = len(changes) - len(calls) + 1  # the first evidence's own firing
    each_whole = [
        whole.score(method, [applied(evidence, c, rules.methodology)], fire)[0] for c in changes
    ]
    assert found == [standing(s) for s in each_whole]
    assert 0 < reused < len(changes)  # some changes reuse the first firing, some fire again
    assert {r for s in found if isinstance(s, whole.WhatIf) for r in s.fired_rules} >= {
        "final-three",
        "c32-high",
        "program-delivered",
        "quick-win-ready",
    }


@pytest.fixture
async def engine():
    running = RulesEngine(workers=1, timeout_seconds=30, memory_mb=300)
    yield running
    running.close()


async def test_in_the_rules_workers_a_plans_what_ifs_score_as_each_evidence_scored_whole(engine):
    evidence, rules = rich_evidence(), definition()
    method = whole.Method(7, rules)
    changes = tried(evidence)
    ruleset = compiler.compile_rules(rules.rules)
    what_ifs = await engine.run("v7", ruleset, partial(worker.try_changes, method, evidence),
                                changes)  # fmt: skip
    evidences = [applied(evidence, c, rules.methodology) for c in changes]
    scored = await engine.run("v7", ruleset, partial(worker.score, method), evidences)
    assert what_ifs == [standing(s) for s in scored]
    assert len({w.final_index for w in what_ifs}) > 2  # the changes are worth different amounts
