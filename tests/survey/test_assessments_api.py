import asyncio

import pytest

from services.contracts.events.survey import ResponsesAccepted
from services.kernel import auth
from tests.support import SECRET

from .conftest import ADMIN, CYCLE

ASSESSORS = [f"assessor-{n}" for n in range(1, 6)]
ASSIGN = "mutation($i: AssignAssessorsInput!) { assignAssessors(input: $i) { assessors } }"
SCORE = """mutation($i: ScoreAnswerInput!) { scoreAnswer(input: $i) {
  questionCode score revision previousScores } }"""
FINDING = "mutation($i: AddFindingInput!) { addFinding(input: $i) { assessor } }"
ITEMS = """query($id: ID!) { campaign(id: $id) { itemScores { questionCode evaluationDimension
  assessors score } } }"""


def assessor_token(name: str) -> str:
    return auth.mint(SECRET, auth.Role.ASSESSOR, subject=name)


REGISTER = """mutation($i: RegisterAssessorInput!) { registerAssessor(input: $i) {
  id name institution } }"""
INSTITUTIONS = ("UI", "ITB", "UGM", "Perbanas", "Kementerian Kominfo")


async def register_assessors(api) -> None:
    for who, institution in zip(ASSESSORS, INSTITUTIONS, strict=True):
        given = {"id": who, "name": f"Dr. {who.title()}", "institution": institution}
        registered = await api(REGISTER, {"i": given}, bearer=ADMIN)
        assert registered["data"]["registerAssessor"] == given, registered


async def assessed_campaign(api) -> str:
    await register_assessors(api)
    assigned = await api(ASSIGN, {"i": {"regionCode": "12.07", "cycleId": CYCLE, "assessors": ASSESSORS}},
                         bearer=ADMIN)  # fmt: skip
    assert "errors" not in assigned, assigned
    return await api.open_campaign("ASSESSOR", "smartcity-evaluation-2023")


async def score(api, campaign_id: str, who: str, code: str, value: int, note: str = ""):
    variables = {
        "i": {"campaignId": campaign_id, "questionCode": code, "score": value, "note": note}
    }
    return await api(SCORE, variables, bearer=assessor_token(who))


async def test_five_assessors_scoring_3_3_3_3_2_give_an_item_score_of_2_80(api):
    campaign_id = await assessed_campaign(api)
    for who, value in zip(ASSESSORS, (3, 3, 3, 3, 2), strict=True):
        assert "errors" not in await score(api, campaign_id, who, "A.1.1.1", value)
    result = await api(ITEMS, {"id": campaign_id}, bearer=ADMIN)
    items = {i["questionCode"]: i for i in result["data"]["campaign"]["itemScores"]}
    assert items["A.1.1.1"]["assessors"] == 5
    assert items["A.1.1.1"]["score"] == pytest.approx(2.80)
    assert items["A.1.1.1"]["evaluationDimension"] == "BASELINE"
    assert (items["B.1.1.1"]["assessors"], items["B.1.1.1"]["score"]) == (0, None)
    assert len(items) == 117


async def test_scoring_again_replaces_the_score_and_keeps_the_old_one(api):
    campaign_id = await assessed_campaign(api)
    await score(api, campaign_id, "assessor-1", "A.1.1.1", 3)
    again = await score(api, campaign_id, "assessor-1", "A.1.1.1", 4, "evidence seen")
    assert again["data"]["scoreAnswer"] == {
        "questionCode": "A.1.1.1", "score": 4, "revision": 2, "previousScores": [3],
    }  # fmt: skip
    items = await api(ITEMS, {"id": campaign_id}, bearer=ADMIN)
    a111 = next(
        i for i in items["data"]["campaign"]["itemScores"] if i["questionCode"] == "A.1.1.1"
    )
    assert (a111["assessors"], a111["score"]) == (1, 4.0)
    await asyncio.sleep(0.3)
    accepted = api.published.events_of(ResponsesAccepted.event_type())
    items = [item for e in accepted for item in e["data"]["items"]]
    assert [(i["revision"], i["answers"][0]["score"]) for i in items] == [(1, 3), (2, 4)]


async def test_only_an_assigned_assessor_scores(api):
    campaign_id = await assessed_campaign(api)
    stranger = await score(api, campaign_id, "assessor-99", "A.1.1.1", 3)
    admin = await api(SCORE, {"i": {"campaignId": campaign_id, "questionCode": "A.1.1.1", "score": 3}},
                      bearer=ADMIN)  # fmt: skip
    assert stranger["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert admin["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize(
    ("code", "value", "field"),
    [
        ("A.1.1.1", 5, "input.score"),
        ("A.1.1.1", -1, "input.score"),
        ("Z.1", 3, "input.questionCode"),
    ],
)
async def test_a_score_off_the_0_to_4_scale_or_question_list_is_refused(api, code, value, field):
    campaign_id = await assessed_campaign(api)
    result = await score(api, campaign_id, "assessor-1", code, value)
    assert result["errors"][0]["extensions"]["field"] == field
    items = await api(ITEMS, {"id": campaign_id}, bearer=ADMIN)
    assert all(i["assessors"] == 0 for i in items["data"]["campaign"]["itemScores"])


async def test_findings_are_kept_per_assessor_in_three_lists(api):
    await assessed_campaign(api)
    # the last one is the second one sent again: it is kept once
    for kind, text in [("STRENGTH", "Dewan Smart City aktif"), ("WEAKNESS", "Data belum terpadu"),
                       ("RECOMMENDATION", "Bangun satu data daerah"),
                       ("WEAKNESS", "Data belum terpadu")]:  # fmt: skip
        finding = {"i": {"regionCode": "12.07", "cycleId": CYCLE, "kind": kind, "text": text}}
        assert "errors" not in await api(FINDING, finding, bearer=assessor_token("assessor-2"))
    query = (
        'query($c: String!) { findings(regionCode: "12.07", cycleId: $c) '
        "{ assessor strengths weaknesses recommendations } }"
    )
    while_open = await api(query, {"c": CYCLE})
    assert while_open["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    result = await api(query, {"c": CYCLE}, bearer=ADMIN)
    assert result["data"]["findings"] == [
        {
            "assessor": "assessor-2",
            "strengths": ["Dewan Smart City aktif"],
            "weaknesses": ["Data belum terpadu"],
            "recommendations": ["Bangun satu data daerah"],
        }
    ]


async def test_assessors_are_assigned_only_to_a_region_of_a_known_cycle(api):
    await register_assessors(api)
    unknown_cycle = await api(ASSIGN, {"i": {"regionCode": "12.07", "cycleId": "nope", "assessors": ["assessor-1"]}},
                              bearer=ADMIN)  # fmt: skip
    outside = await api(ASSIGN, {"i": {"regionCode": "16.06", "cycleId": CYCLE, "assessors": ["assessor-1"]}},
                        bearer=ADMIN)  # fmt: skip
    assert unknown_cycle["errors"][0]["extensions"] == {
        "code": "NOT_FOUND",
        "field": "input.cycleId",
    }
    assert outside["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "input.regionCode",
    }


async def test_only_registered_assessors_are_assigned_each_unknown_one_named(api):
    await register_assessors(api)
    given = {"regionCode": "12.07", "cycleId": CYCLE,
             "assessors": ["assessor-1", "someone", "assessor-2", "nobody"]}  # fmt: skip
    refused = await api(ASSIGN, {"i": given}, bearer=ADMIN)
    problems = refused["errors"][0]["extensions"]["problems"]
    assert [p["field"] for p in problems] == ["input.assessors[1]", "input.assessors[3]"]


async def test_registering_again_changes_a_name_or_institution_and_is_otherwise_idempotent(api):
    await register_assessors(api)
    moved = {"id": "assessor-1", "name": "Dr. Assessor-1", "institution": "ITS"}
    assert (await api(REGISTER, {"i": moved}, bearer=ADMIN))["data"]["registerAssessor"] == moved
    listed = await api("{ assessors { id institution } }", bearer=ADMIN)
    assert {a["id"]: a["institution"] for a in listed["data"]["assessors"]}["assessor-1"] == "ITS"
    made = await api(REGISTER, {"i": {"name": "Ir. Baru", "institution": "UGM"}}, bearer=ADMIN)
    assert len(made["data"]["registerAssessor"]["id"]) > 8
    for bearer in (assessor_token("assessor-1"), None):
        refused = await api(REGISTER, {"i": moved}, bearer=bearer)
        assert refused["errors"][0]["extensions"]["code"] in ("FORBIDDEN", "UNAUTHENTICATED")
    bad = await api(REGISTER, {"i": {"id": "Not An Id", "name": " ", "institution": "UI"}},
                    bearer=ADMIN)  # fmt: skip
    fields = [p["field"] for p in bad["errors"][0]["extensions"]["problems"]]
    assert fields == ["input.id", "input.name"]


SCORE_ALL = """mutation($i: ScoreAnswersInput!) { scoreAnswers(input: $i) {
  changed unchanged scores { questionCode score revision } } }"""


async def every_question(api) -> list[str]:
    return await questions_of(api, await assessed_campaign(api))


async def questions_of(api, campaign_id: str) -> list[str]:
    found = await api(ITEMS, {"id": campaign_id}, bearer=ADMIN)
    return [i["questionCode"] for i in found["data"]["campaign"]["itemScores"]]


async def test_a_whole_questionnaire_is_scored_in_one_request_and_sending_it_again_changes_nothing(
    api,
):
    campaign_id = await assessed_campaign(api)
    found = await api(ITEMS, {"id": campaign_id}, bearer=ADMIN)
    codes = [i["questionCode"] for i in found["data"]["campaign"]["itemScores"]]
    scores = [{"questionCode": c, "score": n % 5} for n, c in enumerate(codes)]
    variables = {"i": {"campaignId": campaign_id, "scores": scores}}
    first = await api(SCORE_ALL, variables, bearer=assessor_token("assessor-3"))
    assert (first["data"]["scoreAnswers"]["changed"], len(codes)) == (117, 117)
    again = await api(SCORE_ALL, variables, bearer=assessor_token("assessor-3"))
    assert (
        again["data"]["scoreAnswers"]["changed"],
        again["data"]["scoreAnswers"]["unchanged"],
    ) == (0, 117)
    assert {s["revision"] for s in again["data"]["scoreAnswers"]["scores"]} == {1}
    part = {"i": {"campaignId": campaign_id, "scores": [{"questionCode": codes[0], "score": 4}]}}
    changed = await api(SCORE_ALL, part, bearer=assessor_token("assessor-3"))
    assert changed["data"]["scoreAnswers"]["scores"] == [
        {"questionCode": codes[0], "score": 4, "revision": 2}
    ]
    items = await api(ITEMS, {"id": campaign_id}, bearer=ADMIN)
    assert {i["assessors"] for i in items["data"]["campaign"]["itemScores"]} == {1}


async def test_a_sheet_partly_scored_before_adds_the_new_scores_and_revises_only_the_changed_one(
    api,
):
    campaign_id = await assessed_campaign(api)
    codes = await questions_of(api, campaign_id)
    scores = [{"questionCode": c, "score": n % 5} for n, c in enumerate(codes)]
    assessor = assessor_token("assessor-2")
    half = {"i": {"campaignId": campaign_id, "scores": scores[:50]}}
    await api(SCORE_ALL, half, bearer=assessor)
    scores[3] = {"questionCode": codes[3], "score": (3 + 1) % 5}

    whole = await api(SCORE_ALL, {"i": {"campaignId": campaign_id, "scores": scores}},
                      bearer=assessor)  # fmt: skip

    report = whole["data"]["scoreAnswers"]
    assert (report["changed"], report["unchanged"]) == (117 - 50 + 1, 49)
    revised = [s for s in report["scores"] if s["revision"] == 2]
    assert revised == [{"questionCode": codes[3], "score": 4, "revision": 2}]
    assert [s["questionCode"] for s in report["scores"]] == codes


async def test_the_same_sheet_sent_twice_at_once_stores_each_score_once(api):
    campaign_id = await assessed_campaign(api)
    codes = await questions_of(api, campaign_id)
    sheet = {"campaignId": campaign_id,
             "scores": [{"questionCode": c, "score": n % 5} for n, c in enumerate(codes)]}  # fmt: skip

    both = await asyncio.gather(
        *(api(SCORE_ALL, {"i": sheet}, bearer=assessor_token("assessor-5")) for _ in range(2))
    )

    reports = [answer["data"]["scoreAnswers"] for answer in both]
    assert sum(r["changed"] for r in reports) == 117
    assert {s["revision"] for r in reports for s in r["scores"]} == {1}
    items = await api(ITEMS, {"id": campaign_id}, bearer=ADMIN)
    assert {i["assessors"] for i in items["data"]["campaign"]["itemScores"]} == {1}


async def test_a_batch_with_a_wrong_score_stores_none_and_names_each_problem(api):
    campaign_id = await assessed_campaign(api)
    scores = [{"questionCode": "A.1.1.1", "score": 3}, {"questionCode": "A.2.1.1", "score": 7},
              {"questionCode": "Z.9", "score": 1}, {"questionCode": "A.1.1.1", "score": 2}]  # fmt: skip
    refused = await api(SCORE_ALL, {"i": {"campaignId": campaign_id, "scores": scores}},
                        bearer=assessor_token("assessor-1"))  # fmt: skip
    fields = [p["field"] for p in refused["errors"][0]["extensions"]["problems"]]
    assert fields == ["input.scores[1].score", "input.scores[2].questionCode",
                      "input.scores[3].questionCode"]  # fmt: skip
    items = await api(ITEMS, {"id": campaign_id}, bearer=ADMIN)
    assert all(i["assessors"] == 0 for i in items["data"]["campaign"]["itemScores"])
    unassigned = await api(SCORE_ALL, {"i": {"campaignId": campaign_id, "scores": scores[:1]}},
                           bearer=assessor_token("someone-else"))  # fmt: skip
    assert unassigned["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_findings_show_who_wrote_them(api):
    await assessed_campaign(api)
    finding = {"regionCode": "12.07", "cycleId": CYCLE, "kind": "STRENGTH", "text": "Data terpadu"}
    await api(FINDING, {"i": finding}, bearer=assessor_token("assessor-4"))
    found = await api(
        'query($c: String!) { findings(regionCode: "12.07", cycleId: $c) { assessor author { name institution } } }',
        {"c": CYCLE}, bearer=ADMIN,
    )  # fmt: skip
    assert found["data"]["findings"] == [
        {"assessor": "assessor-4", "author": {"name": "Dr. Assessor-4", "institution": "Perbanas"}}
    ]
