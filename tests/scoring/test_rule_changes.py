"""The changes a rule set points to: each moves a region's fact forward, the least, until it
meets a rewarding rule's condition or escapes a penalising one's, and the changed evidence's
facts are then judged by the rules' own matching (the reach filter), not by the mover."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from services.contracts.progress import ProgressPoint
from services.scoring.domain import assessment, definitions
from services.scoring.domain.changes import ChangeKind, applied, changes_of
from services.scoring.domain.definitions import Definition
from services.scoring.domain.evidence import Evidence, Program
from services.scoring.domain.facts import KIND
from services.scoring.domain.reach import Reach
from services.scoring.domain.rule_changes import MAX_RULE_CHANGES
from tests.scoring.conftest import MALANG
from tests.scoring.evidence import region_evidence

DEFAULT = Path(__file__).resolve().parents[2] / "services/scoring/shipped/default_ruleset.yaml"
SUBJECTS = {"question": "code", "impact_sample": "sub_dimension", "program": "program_id"}


def defined(rules: str | None = None) -> Definition:
    """The shipped rule set, or its methodology with these rules."""
    document = yaml.safe_load(DEFAULT.read_text())
    if rules is not None:
        document["rules"] = yaml.safe_load(rules)
    definition, problems = definitions.read(document)
    assert definition is not None and not problems, problems
    return definition


def program(program_id: str, dimension: str = "governance", **given: Any) -> Program:
    fields = {"name": program_id, "sub_dimension": "", "phase": "implementation",
              "start_year": 2021, "target_year": 2024, "planning_percent": 30.0,
              "implementation_percent": 40.0} | given  # fmt: skip
    return Program(program_id, dimension=dimension, **fields)


def rule_changes(evidence: Evidence, definition: Definition) -> list:
    found = changes_of(evidence, definition.methodology, definition.rules)
    return [c for c in found if c.kind in (ChangeKind.MEET_RULE, ChangeKind.ESCAPE_RULE)]


def matched(evidence: Evidence, definition: Definition, rule_id: str, fact_kind: str) -> set[str]:
    """The subjects of the facts of `fact_kind` the rule's patterns match, as the engine
    is given them."""
    [rule] = [r for r in definition.rules if r.id == rule_id]
    facts = assessment.facts_of(evidence, assessment.assess(evidence, definition.methodology))
    return {str(f[SUBJECTS[fact_kind]]) for f in Reach([rule])(facts) if f[KIND] == fact_kind}


PROGRAM_BONUS = """
- id: governance-delivered
  description: A governance program past 79.5% implemented earns output a fifth of a point.
  when:
    all:
      - fact: program
        as: p
        where:
          - {field: dimension, op: "==", value: governance}
          - {field: implementation_percent, op: ">", value: 79.5}
  then:
    - adjust_score: {dimension: output, by: 0.2, min: 0, max: 4}
"""


def test_a_rewarding_rule_moves_each_fact_it_could_match_the_least_and_no_other():
    definition = defined(PROGRAM_BONUS)
    evidence = region_evidence(MALANG, programs=(
        program("p-gov"), program("p-eco", dimension="economy"),
        program("p-done", implementation_percent=90.0),
    ))  # fmt: skip
    [change] = rule_changes(evidence, definition)
    assert (change.kind, change.subject, change.rule) == (
        ChangeKind.MEET_RULE,
        "p-gov",
        "governance-delivered",
    )
    assert (change.before, change.after) == (40.0, 80.5)  # one percent past a strict bound
    after = applied(evidence, change, definition.methodology)
    assert matched(after, definition, "governance-delivered", "program") == {"p-gov", "p-done"}


def test_the_shipped_quick_win_rules_point_to_proposing_and_planning_by_31_october():
    definition = defined()
    late = program("p-late", progress=(ProgressPoint("planning", 30.0, dt.date(2022, 9, 1)),),
                   quick_win_years=(2022,))  # fmt: skip
    unproposed = program("p-new")
    evidence = region_evidence(MALANG, programs=(late, unproposed))
    by_rule = {(c.rule, c.subject): c for c in rule_changes(evidence, definition)}
    # a proposed quick win below 60% escapes "not ready" and meets "ready" by planning to 60%
    escape = by_rule["quick-win-not-ready", "p-late"]
    assert (escape.kind, [e.field for e in escape.edits], escape.after) == (
        ChangeKind.ESCAPE_RULE,
        ["planning_percent_on_oct_31"],
        60,
    )
    # one not proposed meets "ready" by being proposed and planned by 31 October
    ready = by_rule["quick-win-ready", "p-new"]
    assert {e.field: e.value for e in ready.edits} == {
        "quick_win_proposed": True,
        "planning_percent_on_oct_31": 60,
    }
    for change in (escape, ready):
        after = applied(evidence, change, definition.methodology)
        assert change.subject in matched(after, definition, "quick-win-ready", "program")
        assert change.subject not in matched(after, definition, "quick-win-not-ready", "program")


@pytest.mark.parametrize(
    ("where", "moved"),
    [
        ('[{field: score, op: ">=", value: 3.2}]', 4),  # whole steps on every sheet
        ('[{field: score, op: ">", value: 3}]', 4),
        ('[{field: score, op: "==", value: 4}]', 4),
        ('[{any: [{field: score, op: ">=", value: 9}, {field: score, op: ">=", value: 3}]}]', 3),
        (
            '[{any: [{field: score, op: ">=", value: 3}, {field: spread, op: "==", value: 0}]}]',
            None,
        ),
        ('[{field: score, op: "<", value: 3}]', None),  # only forward: a score never falls
        ('[{field: score, op: ">=", value: 5}]', None),  # past the scale's top
        ('[{field: dimension, op: "==", value: output}, {field: score, op: ">=", value: 3}]', None),
    ],
)
def test_an_item_moves_forward_in_whole_steps_within_the_scale(where, moved):
    rules = f"""
- id: a1-bonus
  description: an item's bonus
  when:
    all:
      - fact: question
        as: q
        where: [{{field: code, op: "==", value: A.1}}, {{all: {where}}}]
  then:
    - adjust_score: {{dimension: baseline, by: 0.5, min: 0, max: 4}}
"""
    definition = defined(rules)
    evidence = region_evidence(MALANG)  # A.1 (baseline) scored 2 by every assessor
    found = rule_changes(evidence, definition)
    if moved is None:
        assert found == []
        return
    [change] = found
    assert (change.subject, change.before, change.after) == ("A.1", 2, moved)
    after = applied(evidence, change, definition.methodology)
    assert set(after.assessor_scores["A.1"].values()) == {moved}
    assert matched(after, definition, "a1-bonus", "question") == {"A.1"}


def test_a_rule_that_compares_two_facts_or_only_flags_points_to_nothing():
    rules = """
- id: behind-another
  description: a program behind another of its dimension
  when:
    all:
      - {fact: program, as: a, where: []}
      - fact: program
        as: b
        where: [{field: implementation_percent, op: ">", ref: a.implementation_percent}]
  then:
    - adjust_score: {dimension: output, by: 0.1, min: 0, max: 4}
- id: low-item
  description: a low item is flagged, which moves no score
  when:
    all:
      - fact: question
        as: q
        where: [{field: score, op: ">=", value: 3}]
  then:
    - flag: {code: fine, severity: info, message: "{q.code} is fine"}
"""
    definition = defined(rules)
    evidence = region_evidence(MALANG, programs=(program("p-1"), program("p-2")))
    assert [c.rule for c in rule_changes(evidence, definition)] == []


def test_a_rule_matching_every_item_points_to_at_most_the_stated_number_of_changes():
    rules = """
- id: every-item-high
  description: every item at 4 earns a bonus
  when:
    all:
      - {fact: question, as: q, where: [{field: score, op: ">=", value: 4}]}
  then:
    - adjust_score: {dimension: output, by: 0.1, min: 0, max: 4}
"""
    found = rule_changes(region_evidence(MALANG), defined(rules))
    assert len(found) == MAX_RULE_CHANGES
