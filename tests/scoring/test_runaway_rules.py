"""A valid rule set whose rules never finish: stopped at the time limit, told as a failure
per region, and the service goes on scoring."""

from __future__ import annotations

import dataclasses

import pytest

from tests.scoring.test_rulesets_api import DEFAULT, draft

FOUR_WAY_JOIN = DEFAULT.replace(
    "rules:\n",
    """rules:
  - id: every-four-questions
    description: matches every four questions together, some two hundred million times
    when:
      all:
        - {fact: question, as: a, where: []}
        - {fact: question, as: b, where: []}
        - {fact: question, as: c, where: []}
        - {fact: question, as: d, where: []}
    then:
      - set_value: {name: runaway, value: 1}
""",
    1,
)
SIMULATE = """mutation($v: ID!) { simulateRuleSet(id: $v, cycleId: "cycle-2022") {
  regionCode newFinalIndex failure } }"""


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, rule_timeout_seconds=1.0)


@pytest.mark.timeout(60)
async def test_rules_that_run_away_are_stopped_and_reported_per_region(evaluated):
    drafted = await draft(evaluated, FOUR_WAY_JOIN)
    assert drafted["data"]["draftRuleSet"]["status"] == "valid"

    runaway = await evaluated(SIMULATE, {"v": "v2"})

    assert "errors" not in runaway
    failures = {c["failure"] for c in runaway["data"]["simulateRuleSet"]}
    assert failures == {"the rules ran longer than 1s and were stopped"}
    again = await evaluated(SIMULATE, {"v": "v1"})
    assert {c["failure"] for c in again["data"]["simulateRuleSet"]} == {None}
    assert all(c["newFinalIndex"] > 0 for c in again["data"]["simulateRuleSet"])
