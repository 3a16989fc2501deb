import asyncio

import pytest

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


async def assessed_campaign(api) -> str:
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
    accepted = api.published.events_of("smartcity.survey.response.accepted.v1")
    assert [(e["data"]["revision"], e["data"]["answers"][0]["score"]) for e in accepted] == [
        (1, 3),
        (2, 4),
    ]


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
    unknown_cycle = await api(ASSIGN, {"i": {"regionCode": "12.07", "cycleId": "nope", "assessors": ["a"]}},
                              bearer=ADMIN)  # fmt: skip
    outside = await api(ASSIGN, {"i": {"regionCode": "16.06", "cycleId": CYCLE, "assessors": ["a"]}},
                        bearer=ADMIN)  # fmt: skip
    assert unknown_cycle["errors"][0]["extensions"] == {
        "code": "NOT_FOUND",
        "field": "input.cycleId",
    }
    assert outside["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "input.regionCode",
    }
