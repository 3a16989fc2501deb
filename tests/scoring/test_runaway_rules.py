"""A valid rule set whose rules never finish: stopped at the time limit, told as a failure
per region, and the service goes on scoring."""

from __future__ import annotations

import dataclasses

import pytest

from tests.published import published
from tests.scoring.test_rulesets_api import DEFAULT, REWEIGHTED, draft
from tests.scoring.test_scorecards_api import program_added


def with_rule(patterns: int) -> str:
    """The default rule set and a rule that matches `patterns` questions together."""
    matched = "\n".join(
        f"        - {{fact: question, as: q{n}, where: []}}" for n in range(patterns)
    )
    rule = f"""rules:
  - id: questions-together
    description: matches every {patterns} questions together
    when:
      all:
{matched}
    then:
      - set_value: {{name: together, value: 1}}
"""
    return DEFAULT.replace("rules:\n", rule, 1)


SIMULATE = """mutation($v: ID!) { simulateRuleSet(id: $v, cycleId: "cycle-2022") {
  regionCode newFinalIndex failure } }"""


@pytest.fixture
def settings(settings, request):
    """Rules' time and each worker's memory, as a test's parameter (seconds, megabytes)."""
    seconds, megabytes = getattr(request, "param", (10.0, 1024))
    return dataclasses.replace(
        settings, rule_timeout_seconds=seconds, rule_worker_memory_mb=megabytes
    )


async def test_a_rule_that_would_join_too_many_facts_is_refused_before_it_runs(evaluated):
    drafted = await draft(evaluated, with_rule(4))

    assert drafted["data"]["draftRuleSet"]["status"] == "invalid"
    [problem] = drafted["data"]["draftRuleSet"]["problems"]
    assert problem == {"ruleId": "questions-together", "path": "rules[0].when.all"}
    validated = await evaluated(
        "mutation($t: String!) { validateRuleSet(text: $t) { problems { message } } }",
        {"t": with_rule(3)},
    )
    assert validated["data"]["validateRuleSet"]["problems"] == [{"message": (
        "these patterns (question x question x question) join up to 3375000 combinations of "
        "facts in each evaluation; at most 50000: match fewer facts together"
    )}]  # fmt: skip


async def workers_started(api) -> float:
    text = (await api.client.get("/metrics")).text
    prefix = "smartcity_rules_worker_pools_started_total{"
    return float(next(x for x in text.splitlines() if x.startswith(prefix)).rsplit(" ", 1)[1])


# question x question: 13,689 matches, some 0.3 s and 50 MB in durable_rules
@pytest.mark.parametrize(
    ("settings", "failure"),
    [
        ((0.1, 1024), "the rules ran longer than 0.1s and were stopped"),
        ((30.0, 45), "the rules worker stopped while evaluating (it ran out of its 45 MB, "
                     "or was killed) and was replaced"),
    ],
    indirect=["settings"],
    ids=["time", "memory"],
)  # fmt: skip
@pytest.mark.timeout(90)
async def test_rules_past_their_time_or_memory_are_stopped_and_reported_per_region(
    evaluated, failure
):
    # an ordinary rule set on workers started for it fits the same limits: starting a
    # worker and loading its rules is not what the runaway rule set is stopped for
    await draft(evaluated, REWEIGHTED)
    started = await workers_started(evaluated)
    ordinary = await evaluated(SIMULATE, {"v": "v2"})
    assert await workers_started(evaluated) > started
    assert {c["failure"] for c in ordinary["data"]["simulateRuleSet"]} == {None}
    drafted = await draft(evaluated, with_rule(2))
    assert drafted["data"]["draftRuleSet"]["status"] == "valid"

    runaway = await evaluated(SIMULATE, {"v": "v3"})

    assert "errors" not in runaway
    assert {c["failure"] for c in runaway["data"]["simulateRuleSet"]} == {failure}
    again = await evaluated(SIMULATE, {"v": "v1"})
    assert {c["failure"] for c in again["data"]["simulateRuleSet"]} == {None}
    assert all(c["newFinalIndex"] > 0 for c in again["data"]["simulateRuleSet"])


FAILURES = """query($r: String!) { scorecard(regionCode: $r, cycleId: "cycle-2022") {
  rulesetVersion failure finalIndex } }"""


@pytest.mark.parametrize("settings", [(0.1, 1024)], indirect=True, ids=["time"])
@pytest.mark.timeout(90)
async def test_a_rescore_whose_rules_run_past_their_time_stores_each_regions_failure(evaluated):
    before = (await evaluated(FAILURES, {"r": "35.07"}))["data"]["scorecard"]
    await draft(evaluated, with_rule(2))

    await evaluated('mutation { activateRuleSet(id: "v2") { id } }')
    await evaluated.settled()

    stopped = "the rules ran longer than 0.1s and were stopped"
    after = [(await evaluated(FAILURES, {"r": code}))["data"]["scorecard"]
             for code in ("35.07", "33.12", "35.78")]  # fmt: skip
    assert {(card["rulesetVersion"], card["failure"]) for card in after} == {(2, stopped)}
    # the methodology still scored each region: only the rules' part is missing
    assert after[0]["finalIndex"] == before["finalIndex"]
    await evaluated('mutation { activateRuleSet(id: "v1") { id } }')
    await evaluated.settled()
    assert (await evaluated(FAILURES, {"r": "35.07"}))["data"]["scorecard"] == before


PROGRAM_PAIRS = """rules:
  - id: programs-in-pairs
    description: compares every two programs of a region
    when:
      all:
        - {fact: program, as: a, where: []}
        - {fact: program, as: b, where: []}
    then:
      - set_value: {name: pairs, value: 1}
"""


async def test_a_region_with_more_facts_than_its_rules_were_validated_for_fails_alone(evaluated):
    # validated for 200 x 200 programs a region; 35.07 has 300, the others 2
    programs = [published(program_added("35.07", f"p{n}", 10.0)) for n in range(300)]
    programs += [published(program_added(r, f"{r}-p{n}", 10.0)) for r in ("33.12", "35.78") for n in range(2)]  # fmt: skip
    await evaluated.learn(*programs)
    drafted = await draft(evaluated, DEFAULT.replace("rules:\n", PROGRAM_PAIRS, 1))
    assert drafted["data"]["draftRuleSet"]["status"] == "valid"

    simulated = await evaluated(SIMULATE, {"v": "v2"})

    failures = {c["regionCode"]: c["failure"] for c in simulated["data"]["simulateRuleSet"]}
    assert failures == {
        "35.07": "rule programs-in-pairs would join 90000 combinations of this region's facts "
        "(300 program); at most 50000: the rules were not run",
        "33.12": None,
        "35.78": None,
    }
