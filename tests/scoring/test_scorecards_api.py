"""Scorecards through the scoring subgraph: computed from events, revised, published, read."""

from pathlib import Path

from services.contracts.events import catalog
from services.contracts.events.scoring import ScorecardPublished
from services.kernel.auth import Role
from tests.published import published
from tests.scoring.conftest import (
    CYCLE,
    WONOGIRI,
    assessor_scores,
    campaign_opened,
    citizen_event,
    cycle_opened,
    score_event,
)
from tests.support import token

DEFAULT_RULES = (
    Path(__file__).resolve().parents[2] / "services/scoring/shipped/default_ruleset.yaml"
).read_text()

SCORECARD = """query($r: String!, $c: String!) { scorecard(regionCode: $r, cycleId: $c) {
  finalIndex grade rulesetVersion revision rank rankInCohort
  dimensions { dimension score weight scoredItems items }
  flags { ruleId code severity } explanation { ruleId effects } } }"""


async def card(api, region, bearer=None, **extra):
    result = await api(
        SCORECARD, {"r": region, "c": CYCLE}, **({"bearer": bearer} if bearer else {})
    )
    assert "errors" not in result, result
    return result["data"]["scorecard"]


async def test_the_published_2022_finals_come_out_of_the_assessors_scores(evaluated):
    finals = {
        region: (await card(evaluated, region))["finalIndex"]
        for region in ("35.07", "33.12", "35.78")
    }
    assert abs(finals["35.07"] - 2.51) < 0.015
    assert abs(finals["33.12"] - 3.31) < 0.015
    assert abs(finals["35.78"] - 3.41) < 0.015


async def test_a_scorecard_carries_weights_rank_grade_and_the_rules_that_fired(evaluated):
    malang = await card(evaluated, "35.07")
    assert [(d["dimension"], d["weight"], d["items"]) for d in malang["dimensions"]] == [
        ("baseline", 10, 5), ("output", 20, 7), ("outcome", 30, 33), ("impact", 10, 54), ("quick_win", 30, 12),
    ]  # fmt: skip
    assert (malang["rank"], malang["grade"], malang["rulesetVersion"]) == (3, "Baik", 1)
    fired = {f["ruleId"] for f in malang["explanation"]}
    assert fired == {"dimension-below-2"}  # baseline 1.40 and output 1.54


def published_revisions(api, region):
    events = api.published.events_of(ScorecardPublished.event_type())
    return [e["data"]["revision"] for e in events if e["data"]["region_code"] == region]


async def test_a_scorecard_is_published_with_each_revision_and_only_when_it_changes(evaluated):
    before = await card(evaluated, "35.07")
    assert published_revisions(evaluated, "35.07") == list(range(1, before["revision"] + 1))
    await evaluated(f'mutation {{ rescore(cycleId: "{CYCLE}") {{ scored revised }} }}')
    assert published_revisions(evaluated, "35.07") == list(range(1, before["revision"] + 1))
    await evaluated.learn(score_event("35.07", "A.1", "a1", 4, revision=2))
    await evaluated.settled()
    after = await card(evaluated, "35.07")
    assert (
        after["revision"] == before["revision"] + 1 and after["finalIndex"] >= before["finalIndex"]
    )
    assert published_revisions(evaluated, "35.07")[-1] == after["revision"]


async def test_a_redelivered_event_changes_nothing(evaluated):
    repeat = score_event("35.07", "A.1", "a1", 4, revision=2)
    await evaluated.learn(repeat)
    await evaluated.settled()
    revision = (await card(evaluated, "35.07"))["revision"]
    count = len(published_revisions(evaluated, "35.07"))
    older = score_event("35.07", "A.1", "a1", 0, revision=1)
    await evaluated.learn(repeat, older)
    await evaluated.settled()
    assert len(published_revisions(evaluated, "35.07")) == count
    assert (await card(evaluated, "35.07"))["revision"] == revision


async def impact_of(api, region):
    dimensions = (await card(api, region))["dimensions"]
    return next(d["score"] for d in dimensions if d["dimension"] == "impact")


async def use_citizens_for_impact(api):
    text = DEFAULT_RULES.replace(
        "impact: {source: assessors, mapping: linear}", "impact: {source: citizens}"
    )
    drafted = await api(
        "mutation($i: DraftRuleSetInput!) { draftRuleSet(input: $i) { id status } }",
        {"i": {"text": text}},
    )
    assert drafted["data"]["draftRuleSet"]["status"] == "valid", drafted
    await api('mutation { activateRuleSet(id: "v2") { id } }')
    await api.settled()


async def test_citizens_answers_leave_the_assessors_impact_by_default(evaluated):
    before = await impact_of(evaluated, "35.07")
    await evaluated.learn(citizen_event("35.07", "c1", {"D.1": 4, "D.2": 4}))
    await evaluated.settled()
    assert await impact_of(evaluated, "35.07") == before


async def test_citizens_answers_score_impact_questions_once_per_response(evaluated):
    # Malang's assessors gave D.1 and D.2 a 3 each; the 54 impact items summed to 138.2
    await use_citizens_for_impact(evaluated)
    await evaluated.learn(
        citizen_event("35.07", "c1", {"D.1": 4, "D.2": 4}),
        citizen_event("35.07", "c2", {"D.1": 4, "D.2": 4}),
    )
    await evaluated.settled()
    assert await impact_of(evaluated, "35.07") == round((138.2 - 6 + 8) / 54, 4)
    await evaluated.learn(
        citizen_event("35.07", "c2", {"D.1": 4, "D.2": 4}),  # redelivered
        citizen_event("35.07", "c3", {"D.1": 1}),
    )
    await evaluated.settled()
    assert await impact_of(evaluated, "35.07") == round((138.2 - 6 + 3 + 4) / 54, 4)


async def test_assessors_two_points_apart_are_flagged(evaluated):
    await evaluated.learn(
        score_event("35.07", "C.1", "a1", 4, revision=3),
        score_event("35.07", "C.1", "a2", 1, revision=3),
    )
    await evaluated.settled()
    flags = (await card(evaluated, "35.07"))["flags"]
    assert {
        "ruleId": "assessors-disagree",
        "code": "assessors-disagree",
        "severity": "warning",
    } in flags


async def test_an_open_cycles_scorecards_are_hidden_from_anonymous_callers_and_other_regions(
    evaluated,
):
    anonymous = await evaluated(SCORECARD, {"r": "35.07", "c": CYCLE}, bearer=None)
    other = await evaluated(
        SCORECARD, {"r": "35.07", "c": CYCLE}, bearer=token(Role.REGION_OPERATOR, region="33.12")
    )
    own = await evaluated(
        SCORECARD, {"r": "35.07", "c": CYCLE}, bearer=token(Role.REGION_OPERATOR, region="35.07")
    )
    assert anonymous["data"]["scorecard"] is None and other["data"]["scorecard"] is None
    assert own["data"]["scorecard"]["finalIndex"] > 0


async def test_the_ranking_lists_a_cycles_scorecards_best_first(evaluated):
    result = await evaluated(f'{{ ranking(cycleId: "{CYCLE}") {{ regionCode rank finalIndex }} }}')
    assert [(r["regionCode"], r["rank"]) for r in result["data"]["ranking"]] == [
        ("35.78", 1),
        ("33.12", 2),
        ("35.07", 3),
    ]


async def test_region_gains_its_scorecards_through_federation(evaluated):
    query = '{ _entities(representations: [{__typename: "Region", code: "33.12"}]) { ... on Region { latestScorecard { finalIndex } scorecards { cycleId } } } }'
    result = await evaluated(query)
    entity = result["data"]["_entities"][0]
    assert entity["scorecards"] == [{"cycleId": CYCLE}]
    assert abs(entity["latestScorecard"]["finalIndex"] - 3.31) < 0.015


async def test_metrics_show_how_much_was_scored_and_where_the_time_went(evaluated):
    text = (await evaluated.client.get("/metrics")).text
    value = {line.split("{")[0]: float(line.rsplit(" ", 1)[1])
             for line in text.splitlines() if line.startswith("smartcity_")}  # fmt: skip
    assert value["smartcity_scorecards_computed_total"] >= 3  # each region at least once
    assert value["smartcity_scorecards_revised_total"] >= 3
    assert value["smartcity_scorecards_waiting_to_rescore"] == 0
    # a rescore runs the methodology in the rules workers, in their stage
    for stage in ("reading_evidence", "rules", "storing"):
        assert value[f"smartcity_scoring_{stage}_seconds_total"] > 0


IMPROVEMENT = """query($r: String!, $c: String!) { scorecard(regionCode: $r, cycleId: $c) {
  finalIndex previousFinalIndex improvement } }"""


async def test_a_later_cycle_shows_the_improvement_over_the_earlier_one_as_it_is_revised(
    evaluated,
):
    later = "cycle-2023"
    await evaluated.learn(cycle_opened(later, year=2023), campaign_opened("35.07", later),
                          *assessor_scores("35.07", WONOGIRI, cycle_id=later))  # fmt: skip
    await evaluated.settled()
    earlier_final = (await card(evaluated, "35.07"))["finalIndex"]
    shown = (await evaluated(IMPROVEMENT, {"r": "35.07", "c": later}))["data"]["scorecard"]
    assert shown["previousFinalIndex"] == earlier_final
    # between the unrounded finals, so within a rounding step of the shown ones' difference
    assert abs(shown["improvement"] - (shown["finalIndex"] - earlier_final)) <= 0.01
    assert shown["improvement"] == round(shown["improvement"], 2)

    await evaluated.learn(score_event("35.07", "E.1", "a1", 0, revision=5))  # 2022 revised
    await evaluated.settled()
    revised_final = (await card(evaluated, "35.07"))["finalIndex"]
    shown = (await evaluated(IMPROVEMENT, {"r": "35.07", "c": later}))["data"]["scorecard"]
    assert revised_final < earlier_final
    assert shown["previousFinalIndex"] == revised_final


def program_added(region, program_id, planning, **given):
    fields = {"id": program_id, "masterplan_id": f"plan-{region}", "region_code": region,
              "name": "Smart parking", "short_name": "", "long_name": "", "description": "",
              "dimension": "living", "sub_dimension": "mobility", "agency": "",
              "start_year": 2022, "target_year": 2024, "phase": "short_term",
              "funding_sources": (), "planning_percent": planning,
              "implementation_percent": 0.0} | given  # fmt: skip
    return catalog.ProgramAdded(**fields)


def program_events(region, program_id, planning, reported_on):
    progress = catalog.ProgressReported(
        program_id=program_id, region_code=region, report_id=f"{program_id}-r1", stage="planning",
        percent=planning, reported_on=reported_on, note="", evidence=(),
        planning_percent=planning, implementation_percent=0.0,
    )  # fmt: skip
    proposal = catalog.QuickWinProposed(
        id=f"{program_id}-qw", region_code=region, program_id=program_id, year=2022, rationale=""
    )
    added = program_added(region, program_id, 0.0)  # as the catalog adds it: nothing reported
    return [published(e) for e in (added, progress, proposal)]


QUICK_WINS = """query($r: String!, $c: String!) { scorecard(regionCode: $r, cycleId: $c) {
  quickWins { programId eligible } } }"""


async def test_quick_wins_are_judged_on_planning_reported_by_31_october(evaluated):
    await evaluated.learn(*program_events("35.07", "p-ready", 70.0, "2022-10-20"),
                          *program_events("35.07", "p-late", 90.0, "2022-11-15"))  # fmt: skip
    await evaluated.settled()
    await evaluated.learn(
        published(catalog.ProgramUpdated(**vars(program_added("35.07", "p-ready", 70.0, name="Renamed"))),
                  time="2023-09-02T00:00:00Z")
    )  # fmt: skip  # an update keeps the program's progress and proposal
    await evaluated.settled()
    shown = (await evaluated(QUICK_WINS, {"r": "35.07", "c": CYCLE}))["data"]["scorecard"]
    assert sorted((q["programId"], q["eligible"]) for q in shown["quickWins"]) == [
        ("p-late", False), ("p-ready", True),
    ]  # fmt: skip


async def test_a_scorecard_counts_the_evidence_it_rests_on(evaluated):
    counted = "query($r: String!, $c: String!) { scorecard(regionCode: $r, cycleId: $c) { counted { assessorScores citizenResponses } } }"
    before = (await evaluated(counted, {"r": "35.07", "c": CYCLE}))["data"]["scorecard"]["counted"]
    assert before == {"assessorScores": 111 * 5, "citizenResponses": 0}
    await evaluated.learn(
        citizen_event("35.07", "c1", {"D.1": 4}),
        citizen_event("35.07", "c1", {"D.1": 4}),  # redelivered
        citizen_event("35.07", "c2", {"D.2": 3}),
    )
    await evaluated.settled()
    after = (await evaluated(counted, {"r": "35.07", "c": CYCLE}))["data"]["scorecard"]["counted"]
    assert after == {"assessorScores": 111 * 5, "citizenResponses": 2}


FLAG_EVERY_QUESTION = (
    DEFAULT_RULES.rstrip()
    + """
  - id: every-question
    description: Flags every question, so a scorecard carries more flags than an event does.
    when:
      all:
        - fact: question
          as: q
    then:
      - flag: {code: looked-at, severity: info, message: "looked at {q.code}"}
"""
)


async def test_a_scorecard_event_carries_its_first_flags_and_their_total(evaluated):
    drafted = await evaluated(
        "mutation($i: DraftRuleSetInput!) { draftRuleSet(input: $i) { id status } }",
        {"i": {"text": FLAG_EVERY_QUESTION}},
    )
    assert drafted["data"]["draftRuleSet"]["status"] == "valid"
    await evaluated('mutation { activateRuleSet(id: "v2") { id } }')
    await evaluated.settled()

    shown = await evaluated(
        f'{{ scorecard(regionCode: "35.07", cycleId: "{CYCLE}") {{ flags(first: 500) {{ code }} explanation(first: 500) {{ ruleId }} }} }}'
    )
    [event] = [
        e["data"]["scorecard"]
        for e in evaluated.published.events_of(ScorecardPublished.event_type())
        if e["data"]["region_code"] == "35.07" and e["data"]["ruleset_version"] == 2
    ]
    flags, fired = shown["data"]["scorecard"]["flags"], shown["data"]["scorecard"]["explanation"]
    assert len(flags) > 100
    assert (len(event["flags"]), event["flags_total"]) == (50, len(flags))
    assert (len(event["explanation"]), event["explanation_total"]) == (50, len(fired))
    assert all("matched" not in firing for firing in event["explanation"])


READINESS = """query($p: _Any!, $r: String!, $c: String!) { _entities(representations: [$p]) {
  ... on Program { quickWinReadiness(regionCode: $r, cycleId: $c) {
    decision { eligible reason ruleId } planningPercent } } } }"""


async def test_the_rules_tell_a_region_whether_a_program_would_be_a_quick_win_before_it_is_proposed(
    evaluated,
):
    events = [*program_events("35.07", "p-ready", 70.0, "2022-10-20")[:2],
              *program_events("35.07", "p-late", 90.0, "2022-11-15")[:2]]  # not proposed  # fmt: skip
    await evaluated.learn(*events)
    await evaluated.settled()
    operator = token(Role.REGION_OPERATOR, region="35.07")

    def asked(program: str, bearer: str = operator):
        variables = {"p": {"__typename": "Program", "id": program}, "r": "35.07", "c": CYCLE}
        return evaluated(READINESS, variables, bearer=bearer)

    ready = (await asked("p-ready"))["data"]["_entities"][0]["quickWinReadiness"]
    late = (await asked("p-late"))["data"]["_entities"][0]["quickWinReadiness"]
    foreign = await asked("p-ready", token(Role.REGION_OPERATOR, region="33.12"))
    assert ready == {
        "decision": {"eligible": True, "reason": "planning 70.0% complete by 31 October",
                     "ruleId": "quick-win-ready"},
        "planningPercent": 70.0,
    }  # fmt: skip
    assert (late["decision"]["eligible"], late["decision"]["ruleId"]) == (
        False,
        "quick-win-not-ready",
    )
    assert foreign["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # asking stored nothing: the scorecard still decides no quick win
    shown = (await evaluated(QUICK_WINS, {"r": "35.07", "c": CYCLE}))["data"]["scorecard"]
    assert shown["quickWins"] == []
