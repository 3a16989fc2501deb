"""The improvement planner through the scoring subgraph: each change a region can make, worth
exactly what scoring it under the rule set gives (methodology and rules), and a plan of the
fewest such steps to a target, checked against scoring the planned evidence the ordinary way."""

from __future__ import annotations

from typing import Any

import pytest

from services.kernel import auth
from services.kernel.auth import Role
from tests.scoring.conftest import (
    CYCLE,
    MALANG,
    REGIONS,
    SURABAYA,
    WONOGIRI,
    assessor_batches,
    assessor_scores,
    campaign_opened,
    citizen_batch,
    cycle_opened,
    instrument_published,
    region_registered,
    score_event,
    scores_of,
)
from tests.support import SECRET

MALANG_CODE = REGIONS[0]
PUBLIC_SERVICE = ("D.1", "D.2", "D.3")  # the impact items citizens answer, in one sub-dimension

PLAN = """query($r: String!, $c: String, $t: String, $v: ID, $s: [ItemScoreInput!]) {
  improvementPlan(regionCode: $r, cycleId: $c, target: $t, ruleSetId: $v, scores: $s) {
    cycleId ruleSetVersion candidateLimit candidatesConsidered complete
    standing { finalIndex grade rank rankInCohort rulesFired }
    candidates(first: 250) { change { kind subject before after rule fields } indexChange
      rankInCohortChange newlyFiring noLongerFiring standing { finalIndex grade rankInCohort } }
    plan { target reached ending evaluated
      steps { change { kind subject before after rule } standing { finalIndex grade rankInCohort } } }
  } }"""

WHAT_IF = """query($r: String!, $s: [ItemScoreInput!]) {
  improvementPlan(regionCode: $r, scores: $s) { standing { finalIndex grade rankInCohort rulesFired } }
}"""

# weights of the 2022 KPPN/IKN cohort, the final left exact so that amounts compare exactly
RULES = """name: planner test
methodology:
  scale: {min: 0, max: 4}
  rounding: {items: null, dimensions: null, final: null}
  unscored_items: exclude
  impact: {source: SOURCE, mapping: linear}
  weights:
    - {year: "*", cohort: "*", weights: {baseline: 10, output: 20, outcome: 30, impact: 10, quick_win: 30}}
  grades:
    - {min: 3.5, grade: Sangat Baik}
    - {min: 2.5, grade: Baik}
    - {min: 1.5, grade: Cukup}
    - {min: 0, grade: Kurang}
rules: RULES
"""
SAMPLE_PENALTY = """
  - id: sample-short
    description: A sub-dimension fewer citizens answered than the target costs its impact a point.
    when:
      all:
        - fact: impact_sample
          as: s
          where:
            - {field: fill_percent, op: "<", value: 100}
    then:
      - adjust_score: {dimension: impact, by: -1, min: 0, max: 4}
"""
ITEM_BONUS = """
  - id: c32-exemplary
    description: C.32 scored 4 or more earns the baseline half a point.
    when:
      all:
        - fact: question
          as: q
          where:
            - {field: code, op: "==", value: "C.32"}
            - {field: score, op: ">=", value: 4}
    then:
      - adjust_score: {dimension: baseline, by: 0.5, min: 0, max: 4}
"""


def instrument_with_sub_dimension() -> dict[str, Any]:
    """The test instrument, its first impact items in one sub-dimension the citizens answer."""
    event = instrument_published()
    for section in event["data"]["document"]["sections"]:
        for question in section["questions"]:
            if question["code"] in PUBLIC_SERVICE:
                question["sub_dimension"] = "public_service"
    return event


@pytest.fixture
async def season(api):
    """The 2022 worked example's three regions, and ten of Malang's citizens answering 2."""
    await api.learn(instrument_with_sub_dimension(), cycle_opened(),
                    *(region_registered(r) for r in REGIONS),
                    *(campaign_opened(r) for r in REGIONS))  # fmt: skip
    await api.learn(*assessor_scores(MALANG_CODE, MALANG))
    for region, means in zip(REGIONS[1:], (WONOGIRI, SURABAYA), strict=True):
        await api.learn(*assessor_batches(region, means))
    citizens = {f"c{n}": dict.fromkeys(PUBLIC_SERVICE, 2) for n in range(10)}
    await api.learn(citizen_batch(MALANG_CODE, citizens))
    await api.settled()
    return api


async def drafted(api, source: str = "assessors", rules: str = "[]") -> str:
    text = RULES.replace("SOURCE", source).replace("RULES", rules)
    found = await api(
        "mutation($i: DraftRuleSetInput!) { draftRuleSet(input: $i) { id status problems { message } } }",
        {"i": {"text": text}},
    )
    assert found["data"]["draftRuleSet"]["status"] == "valid", found
    return found["data"]["draftRuleSet"]["id"]


async def plan_of(api, region: str = MALANG_CODE, *, bearer: str | None = None, **variables):
    asked = {"r": region, **variables}
    result = await api(PLAN, asked, **({"bearer": bearer} if bearer else {}))
    assert "errors" not in result, result
    return result["data"]["improvementPlan"]


def candidate(plan: dict[str, Any], kind: str, subject: str) -> dict[str, Any]:
    return next(
        c for c in plan["candidates"]
        if (c["change"]["kind"], c["change"]["subject"]) == (kind, subject)
    )  # fmt: skip


def kinds_of(plan: dict[str, Any]) -> set[str]:
    return {c["change"]["kind"] for c in plan["candidates"]}


async def test_a_step_in_a_30_percent_dimension_beats_one_in_a_10_percent_one_by_the_exact_amounts(
    season,
):
    plan = await plan_of(season, v=await drafted(season))
    # every assessor's score one higher raises the item's mean by 1: the dimension's mean by
    # 1 / its items, the final by its weight times that
    outcome = candidate(plan, "RAISE_ITEM", "C.1")  # outcome: 33 items, 30%
    impact = candidate(plan, "RAISE_ITEM", "D.10")  # impact: 54 items, 10%
    assert outcome["indexChange"] == pytest.approx(0.30 / 33, abs=5e-7)  # shown to 6 places
    assert impact["indexChange"] == pytest.approx(0.10 / 54, abs=5e-7)  # shown to 6 places
    assert outcome["change"]["after"] == outcome["change"]["before"] + 1
    ranked = [(c["change"]["kind"], c["change"]["subject"]) for c in plan["candidates"]]
    assert ranked.index(("RAISE_ITEM", "C.1")) < ranked.index(("RAISE_ITEM", "D.10"))
    assert plan["candidatesConsidered"] == len(plan["candidates"]) and plan["complete"]


async def test_a_rule_threshold_makes_completing_a_sample_worth_more_than_its_weight(season):
    plain = await plan_of(season, v=await drafted(season))
    assert candidate(plain, "COMPLETE_SAMPLE", "public_service")["indexChange"] == 0
    penalised = await plan_of(season, v=await drafted(season, rules=SAMPLE_PENALTY))
    completed = candidate(penalised, "COMPLETE_SAMPLE", "public_service")
    # ten of fifty citizens: the rule takes a point off impact (10%); fifty give it back
    assert completed["indexChange"] == pytest.approx(0.10, abs=5e-7)  # shown to 6 places
    assert completed["noLongerFiring"] == ["sample-short"]
    assert "sample-short" in penalised["standing"]["rulesFired"]
    assert penalised["candidates"][0]["change"]["kind"] == "COMPLETE_SAMPLE"


async def test_citizens_answers_are_worthless_to_the_plan_under_assessors_and_count_under_citizens(
    season,
):
    by_assessors = await plan_of(season, v=await drafted(season, "assessors"))
    assert candidate(by_assessors, "RAISE_CITIZENS", "public_service")["indexChange"] == 0
    by_citizens = await plan_of(season, v=await drafted(season, "citizens"))
    raised = candidate(by_citizens, "RAISE_CITIZENS", "public_service")
    # three items answered 2 on 0-4, raised to 3: each item +1, impact +3/54, the final 10% of it
    assert (raised["change"]["before"], raised["change"]["after"]) == (2, 3)
    assert raised["indexChange"] == pytest.approx(0.10 * 3 / 54, abs=5e-7)  # shown to 6 places


async def test_a_rewarding_rule_the_region_misses_is_a_candidate_worth_its_bonus_exactly(season):
    plain = await plan_of(season, v=await drafted(season))
    assert not kinds_of(plain) & {"MEET_RULE", "ESCAPE_RULE"}  # no rule, nothing it points to
    plan = await plan_of(season, v=await drafted(season, rules=ITEM_BONUS))
    met = candidate(plan, "MEET_RULE", "C.32")
    assert (met["change"]["rule"], met["change"]["fields"], met["change"]["after"]) == (
        "c32-exemplary",
        ["score"],
        4,
    )
    assert met["newlyFiring"] == ["c32-exemplary"]
    # every sheet of C.32 up to 4 (outcome: 33 items, 30%) and half a point on baseline (10%)
    moved = 0.30 * (4 - met["change"]["before"]) / 33
    assert met["indexChange"] == pytest.approx(moved + 0.10 * 0.5, abs=5e-7)  # 6 places
    one_step = candidate(plan, "RAISE_ITEM", "C.32")
    assert one_step["change"]["after"] < 4 and one_step["newlyFiring"] == []  # short of it
    # the plan to the bonus's worth takes it in one step, where one-step raises take many
    target = plan["standing"]["finalIndex"] + met["indexChange"]
    planned = await plan_of(season, v=await drafted(season, rules=ITEM_BONUS), t=f"{target:.4f}")
    assert planned["plan"]["reached"]
    assert planned["plan"]["steps"][0]["change"]["rule"] == "c32-exemplary"


async def test_a_penalising_rule_the_region_meets_is_a_candidate_to_escape_it(season):
    plan = await plan_of(season, v=await drafted(season, rules=SAMPLE_PENALTY))
    escaped = candidate(plan, "ESCAPE_RULE", "public_service")
    # ten of fifty citizens, 20%: the rule holds below 100%, so the sample goes to 100%
    assert (escaped["change"]["before"], escaped["change"]["after"]) == (20, 100)
    assert (escaped["change"]["rule"], escaped["change"]["fields"]) == (
        "sample-short",
        ["fill_percent"],
    )
    assert escaped["noLongerFiring"] == ["sample-short"]
    assert escaped["indexChange"] == pytest.approx(0.10, abs=5e-7)  # impact's point back


async def test_the_plan_to_the_next_grade_is_what_scoring_the_planned_evidence_gives(season):
    plan = await plan_of(season, t="Sangat Baik")
    assert plan["standing"]["grade"] == "Baik"
    planned = plan["plan"]
    assert planned["reached"] and planned["ending"] == "REACHED"
    steps = planned["steps"]
    assert steps[-1]["standing"]["grade"] == "Sangat Baik"
    finals = [plan["standing"]["finalIndex"]] + [s["standing"]["finalIndex"] for s in steps]
    assert finals == sorted(finals) and len(set(finals)) == len(finals)  # each step helps
    assert steps[-2]["standing"]["grade"] == "Baik"  # one step fewer falls short
    # the planned evidence, given to scoring as the assessors would give it
    raised: dict[str, int] = {}
    for step in steps:
        assert step["change"]["kind"] == "RAISE_ITEM", step
        raised[step["change"]["subject"]] = raised.get(step["change"]["subject"], 0) + 1
    sheets = scores_of(MALANG)
    await season.learn(*(
        score_event(MALANG_CODE, code, assessor, min(score + times, 4), revision=2)
        for code, times in raised.items() for assessor, score in sheets[code].items()
    ))  # fmt: skip
    await season.settled()
    card = await season(
        "query($r: String!, $c: String!) { scorecard(regionCode: $r, cycleId: $c) { finalIndex grade rankInCohort } }",
        {"r": MALANG_CODE, "c": CYCLE},
    )
    assert card["data"]["scorecard"] == steps[-1]["standing"]


async def test_a_target_out_of_reach_is_said_so(season):
    plan = await plan_of(season, t="3.99")
    assert plan["plan"]["reached"] is False
    assert plan["plan"]["ending"] in ("NO_CHANGE_HELPS", "STEP_LIMIT", "BUDGET")


async def test_a_what_if_answers_with_the_index_grade_rank_and_rules_it_would_fire(season):
    scores = [{"questionCode": f"A.{n}", "score": 4} for n in range(1, 6)]
    before = (await plan_of(season))["standing"]
    result = await season(WHAT_IF, {"r": MALANG_CODE, "s": scores})
    after = result["data"]["improvementPlan"]["standing"]
    # baseline (10%) from 1.40 to 4.00
    assert after["finalIndex"] == pytest.approx(before["finalIndex"] + 0.26, abs=0.006)
    assert "dimension-below-2" in before["rulesFired"]
    assert after["rankInCohort"] <= before["rankInCohort"]


@pytest.mark.parametrize(
    ("variables", "code", "field"),
    [
        ({"t": "Luar Biasa"}, "BAD_USER_INPUT", "target"),
        ({"s": [{"questionCode": "Z.9", "score": 2}]}, "BAD_USER_INPUT", "scores"),
        ({"s": [{"questionCode": "A.1", "score": 9}]}, "BAD_USER_INPUT", "scores"),
        ({"c": "cycle-1999"}, "NOT_FOUND", "cycleId"),
    ],
)
async def test_a_wrong_question_is_refused_at_its_argument(season, variables, code, field):
    result = await season(PLAN, {"r": MALANG_CODE, **variables})
    [error] = result["errors"]
    assert error["extensions"]["code"] == code
    assert field in str(error["extensions"]), error


@pytest.mark.parametrize(
    ("role", "claims", "allowed"),
    [
        (Role.MINISTRY, {}, True),
        (Role.REGION_OPERATOR, {"region": MALANG_CODE}, True),
        (Role.REGION_OPERATOR, {"region": REGIONS[1]}, False),
        (Role.ASSESSOR, {"subject": "a1"}, True),  # scored Malang
        (Role.ASSESSOR, {"subject": "someone-else"}, False),
        (Role.ENUMERATOR, {"region": MALANG_CODE}, False),
    ],
)
async def test_only_those_of_the_region_ask_for_its_plan(season, role, claims, allowed):
    result = await season(
        WHAT_IF, {"r": MALANG_CODE, "s": []}, bearer=auth.mint(SECRET, role, **claims)
    )
    if allowed:
        assert "errors" not in result, result
    else:
        assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert result["data"] is None
