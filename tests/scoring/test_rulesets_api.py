"""Rule sets through the scoring subgraph: draft, validate, simulate, activate, re-activate."""

from pathlib import Path

from services.contracts.events.scoring import RuleSetActivated
from services.kernel.auth import Role
from tests.scoring.conftest import CYCLE
from tests.support import token

DEFAULT = (
    Path(__file__).resolve().parents[2] / "services/scoring/shipped/default_ruleset.yaml"
).read_text()
DRAFT = "mutation($i: DraftRuleSetInput!) { draftRuleSet(input: $i) { id version status problems { ruleId path } } }"
FINAL = 'query($r: String!) { scorecard(regionCode: $r, cycleId: "cycle-2022") { finalIndex rulesetVersion } }'
# 2022 KPPN/IKN weights moved from quick win to outcome
REWEIGHTED = DEFAULT.replace(
    "{year: 2022, cohort: kppn_ikn, weights: {baseline: 10, output: 20, outcome: 30, impact: 10, quick_win: 30}}",
    "{year: 2022, cohort: kppn_ikn, weights: {baseline: 10, output: 20, outcome: 50, impact: 10, quick_win: 10}}",
)


async def draft(api, text, bearer=None):
    result = await api(DRAFT, {"i": {"text": text}}, **({"bearer": bearer} if bearer else {}))
    return result


async def test_the_default_rule_set_is_version_1_and_active(api):
    result = await api("{ ruleSets { id version status name author } }")
    assert result["data"]["ruleSets"] == [
        {"id": "v1", "version": 1, "status": "active", "author": "system",
         "name": "Smart city evaluation (published methodology, 2022-2023)"},
    ]  # fmt: skip


async def test_an_invalid_draft_is_kept_with_its_problems_and_cannot_be_activated(api):
    broken = DEFAULT.replace("field: spread,", "field: sprad,")
    drafted = (await draft(api, broken))["data"]["draftRuleSet"]
    assert drafted["status"] == "invalid"
    assert drafted["problems"] == [
        {"ruleId": "assessors-disagree", "path": "rules[3].when.all[0].where[0].field"}
    ]
    refused = await api('mutation { activateRuleSet(id: "v2") { id } }')
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    active = await api("{ ruleSets { id status } }")
    assert {"id": "v1", "status": "active"} in active["data"]["ruleSets"]


async def test_validation_reports_without_storing(api):
    result = await api("mutation($t: String!) { validateRuleSet(text: $t) { valid problems { path message } } }",
                       {"t": "methodology: {weights: []}\nrules: []"})  # fmt: skip
    assert result["data"]["validateRuleSet"]["valid"] is False
    assert (await api("{ ruleSets { id } }"))["data"]["ruleSets"] == [{"id": "v1"}]


VALIDATE = "mutation($t: String!) { validateRuleSet(text: $t) { problems { path line message } } }"


async def test_each_problem_points_at_its_line_of_the_document(api):
    misspelt = DEFAULT.replace('op: ">=", value: 60', 'op: "=>", value: 60', 1)
    problems = (await api(VALIDATE, {"t": misspelt}))["data"]["validateRuleSet"]["problems"]
    assert [p["path"] for p in problems] == ["rules[0].when.all[0].where[1].op"]
    assert '"=>"' in misspelt.splitlines()[problems[0]["line"] - 1]

    unparsable = "name: broken\nmethodology: {scale: {min: 0, max: 4}\nrules: []\n"
    problems = (await api(VALIDATE, {"t": unparsable}))["data"]["validateRuleSet"]["problems"]
    assert problems[0]["line"] == 3  # where the parser gave up on the unclosed mapping

    missing = "name: no rules\nmethodology:\n  scale: {min: 0, max: 4}\nrules:\n  - id: bare\n"
    problems = (await api(VALIDATE, {"t": missing}))["data"]["validateRuleSet"]["problems"]
    assert {p["line"] for p in problems if p["path"].startswith("rules[0]")} == {5}


async def test_only_admins_change_rule_sets(api):
    for role in (Role.MINISTRY, Role.REGION_OPERATOR, Role.ASSESSOR):
        refused = await draft(api, DEFAULT, bearer=token(role, region="35.07"))
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN", role
    anonymous = await api(DRAFT, {"i": {"text": DEFAULT}}, bearer=None)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def worker_pools_running(api):
    text = (await api.client.get("/metrics")).text
    line = next(
        x for x in text.splitlines() if x.startswith("smartcity_rules_worker_pools_running")
    )
    return float(line.rsplit(" ", 1)[1])


async def test_simulate_then_activate_changes_scores_without_a_restart_and_back_again(evaluated):
    await draft(evaluated, REWEIGHTED)
    simulated = await evaluated(
        'mutation { simulateRuleSet(id: "v2", cycleId: "cycle-2022") { regionCode oldFinalIndex newFinalIndex change } }'
    )
    changes = {c["regionCode"]: c for c in simulated["data"]["simulateRuleSet"]}
    assert set(changes) == {"35.07", "33.12", "35.78"}
    assert all(c["change"] != 0 for c in changes.values())
    before = (await evaluated(FINAL, {"r": "35.07"}))["data"]["scorecard"]
    assert (
        before["rulesetVersion"] == 1 and before["finalIndex"] == changes["35.07"]["oldFinalIndex"]
    )

    activated = await evaluated('mutation { activateRuleSet(id: "v2") { id status } }')
    assert activated["data"]["activateRuleSet"] == {"id": "v2", "status": "active"}
    await evaluated.settled()
    after = (await evaluated(FINAL, {"r": "35.07"}))["data"]["scorecard"]
    assert after == {"finalIndex": changes["35.07"]["newFinalIndex"], "rulesetVersion": 2}
    assert await worker_pools_running(evaluated) == 1  # version 1's workers retired
    assert [
        e["data"]["ruleset_version"]
        for e in evaluated.published.events_of(RuleSetActivated.event_type())
    ] == [1, 2]

    await evaluated('mutation { activateRuleSet(id: "v1") { id } }')
    await evaluated.settled()
    assert (await evaluated(FINAL, {"r": "35.07"}))["data"]["scorecard"] == before
    audit = await evaluated("{ ruleSetAudit { action version actor } }")
    assert [(e["action"], e["version"]) for e in audit["data"]["ruleSetAudit"]] == [
        ("drafted", 1), ("activated", 1), ("drafted", 2), ("activated", 2), ("activated", 1),
    ]  # fmt: skip


async def test_simulating_an_unknown_cycle_is_not_found(evaluated):
    await draft(evaluated, REWEIGHTED)
    result = await evaluated(
        'mutation { simulateRuleSet(id: "v2", cycleId: "nope") { regionCode } }'
    )
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_cycle_is_ranked_under_the_active_rule_set(evaluated):
    ranking = await evaluated(f'{{ ranking(cycleId: "{CYCLE}") {{ regionCode rulesetVersion }} }}')
    assert {r["rulesetVersion"] for r in ranking["data"]["ranking"]} == {1}


SIMULATE_DOCUMENT = """mutation($t: String!) { simulateRuleSetDocument(text: $t, cycleId: "cycle-2022") {
  valid problems { path message } changes { regionCode oldFinalIndex newFinalIndex change } } }"""


async def test_a_document_is_simulated_without_being_stored_and_its_workers_stop(evaluated):
    pools = await worker_pools_running(evaluated)
    stored = await evaluated(
        'mutation { simulateRuleSet(id: "v1", cycleId: "cycle-2022") { regionCode } }'
    )
    assert "errors" not in stored
    result = await evaluated(SIMULATE_DOCUMENT, {"t": REWEIGHTED})
    simulated = result["data"]["simulateRuleSetDocument"]
    assert simulated["valid"] and {c["regionCode"] for c in simulated["changes"]} == {
        "35.07", "33.12", "35.78",
    }  # fmt: skip
    assert all(c["change"] != 0 for c in simulated["changes"])
    versions = await evaluated("{ ruleSets { id } }")
    assert [v["id"] for v in versions["data"]["ruleSets"]] == ["v1"]
    assert await worker_pools_running(evaluated) == pools  # its workers are gone

    broken = await evaluated(
        SIMULATE_DOCUMENT, {"t": REWEIGHTED.replace("weights:", "wieghts:", 1)}
    )
    assert broken["data"]["simulateRuleSetDocument"]["valid"] is False
    assert broken["data"]["simulateRuleSetDocument"]["changes"] == []
    refused = await evaluated(SIMULATE_DOCUMENT, {"t": REWEIGHTED}, bearer=token(Role.MINISTRY))
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
