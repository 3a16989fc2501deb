"""How far the season has come, as the screens read it: an assessor's assignments and scores,
a campaign's quotas, and the ministry's row per region."""

from services.kernel.auth import Role
from tests.support import token

from .conftest import ADMIN, CYCLE
from .test_assessments_api import ASSESSORS, FINDING, assessed_campaign, assessor_token, score
from .test_responses_api import SUBMIT, citizen_campaign, submission

MINE = """query($c: String) { assignments(cycleId: $c) { regionCode cycleId assessors
  campaign { id audience } progress { assessor scored questions findings done author { name } } } }"""
SCORES = """query($id: ID!, $who: String) { assessorScores(campaignId: $id, assessor: $who) {
  questionCode score note } }"""
QUOTAS = (
    """query($id: ID!) { campaign(id: $id) { quotas { subDimension quota issued answered } } }"""
)
SEASON = """query($c: String!, $first: Int! = 100, $after: String) {
  seasonProgress(cycleId: $c, first: $first, after: $after) {
    regionCode selfAssessments citizenResponses citizenTarget
    assessors { assessor scored questions done } campaigns { audience } } }"""


async def test_an_assessor_sees_their_own_assignments_with_how_much_is_scored(api):
    campaign_id = await assessed_campaign(api)
    for code in ("A.1.1.1", "A.1.2.1"):
        assert "errors" not in await score(api, campaign_id, "assessor-1", code, 3)
    finding = {"i": {"regionCode": "12.07", "cycleId": CYCLE, "kind": "STRENGTH", "text": "Ada"}}
    assert "errors" not in await api(FINDING, finding, bearer=assessor_token("assessor-1"))

    mine = (await api(MINE, {"c": CYCLE}, bearer=assessor_token("assessor-1")))["data"]
    stranger = (await api(MINE, {"c": CYCLE}, bearer=assessor_token("assessor-99")))["data"]

    (assignment,) = mine["assignments"]
    assert (assignment["regionCode"], assignment["campaign"]) == (
        "12.07",
        {"id": campaign_id, "audience": "ASSESSOR"},
    )
    first = assignment["progress"][0]
    assert first == {"assessor": "assessor-1", "scored": 2, "questions": 117, "findings": 1,
                     "done": False, "author": {"name": "Dr. Assessor-1"}}  # fmt: skip
    assert [p["scored"] for p in assignment["progress"][1:]] == [0, 0, 0, 0]
    assert stranger["assignments"] == []


async def test_others_than_assessors_admins_and_ministries_may_not_list_assignments(api):
    await assessed_campaign(api)
    refused = await api(MINE, {"c": CYCLE}, bearer=token(Role.REGION_OPERATOR, region="12.07"))
    ministry = await api(MINE, {"c": None}, bearer=token(Role.MINISTRY))
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert [a["regionCode"] for a in ministry["data"]["assignments"]] == ["12.07"]


async def test_an_assessor_reads_back_their_own_scores_only(api):
    campaign_id = await assessed_campaign(api)
    await score(api, campaign_id, "assessor-2", "B.1.1.1", 4, "dokumen ada")
    await score(api, campaign_id, "assessor-3", "B.1.1.1", 1)
    own = await api(SCORES, {"id": campaign_id}, bearer=assessor_token("assessor-2"))
    others = await api(
        SCORES, {"id": campaign_id, "who": "assessor-3"}, bearer=assessor_token("assessor-2")
    )
    by_admin = await api(SCORES, {"id": campaign_id, "who": "assessor-3"}, bearer=ADMIN)
    assert own["data"]["assessorScores"] == [
        {"questionCode": "B.1.1.1", "score": 4, "note": "dokumen ada"}
    ]
    assert others["errors"][0]["extensions"] == {"code": "FORBIDDEN", "field": "assessor"}
    assert by_admin["data"]["assessorScores"][0]["score"] == 1


async def test_a_campaigns_quotas_count_tokens_issued_and_responses_per_sub_dimension(api):
    campaign_id, tokens = await citizen_campaign(api)  # 3 tokens of public_service
    for n, citizen in enumerate(tokens[:2]):
        sent = await api(SUBMIT, submission(campaign_id, f"key-{n:08d}"), bearer=citizen)
        assert "errors" not in sent, sent

    enumerator = token(Role.ENUMERATOR, region="12.07")
    read = await api(QUOTAS, {"id": campaign_id}, bearer=enumerator)
    foreign = await api(QUOTAS, {"id": campaign_id}, bearer=token(Role.ENUMERATOR, region="63.03"))

    quotas = {q["subDimension"]: q for q in read["data"]["campaign"]["quotas"]}
    assert len(quotas) == 18
    assert quotas["public_service"] == {
        "subDimension": "public_service", "quota": 50, "issued": 3, "answered": 2,
    }  # fmt: skip
    assert quotas["bureaucracy"]["issued"] == quotas["bureaucracy"]["answered"] == 0
    assert foreign["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_season_shows_each_region_with_who_has_done_their_part(api):
    assessed = await assessed_campaign(api)
    for code in ("A.1.1.1", "A.1.2.1"):
        await score(api, assessed, "assessor-4", code, 2)
    self_assessment = await api.open_campaign("SELF_ASSESSMENT", "smartcity-evaluation-2023")
    await api(
        SUBMIT,
        {"i": {"campaignId": self_assessment, "idempotencyKey": "self-0000001",
               "answers": [{"questionCode": "A.1.1.1", "score": 4}]}},
        bearer=token(Role.REGION_OPERATOR, region="12.07"),
    )  # fmt: skip
    citizens, tokens = await citizen_campaign(api)
    await api(SUBMIT, submission(citizens, "key-00000001"), bearer=tokens[0])

    season = await api(SEASON, {"c": CYCLE}, bearer=token(Role.MINISTRY))
    second_page = await api(SEASON, {"c": CYCLE, "first": 1, "after": "12.07"}, bearer=ADMIN)
    refused = await api(SEASON, {"c": CYCLE}, bearer=token(Role.REGION_OPERATOR, region="12.07"))

    first, other = season["data"]["seasonProgress"]
    assert (first["regionCode"], first["selfAssessments"]) == ("12.07", 1)
    assert (first["citizenResponses"], first["citizenTarget"]) == (1, 50 * 18)
    assert [(a["assessor"], a["scored"], a["questions"]) for a in first["assessors"]] == [
        (who, 2 if who == "assessor-4" else 0, 117) for who in ASSESSORS
    ]
    assert sorted(c["audience"] for c in first["campaigns"]) == [
        "ASSESSOR", "CITIZEN", "SELF_ASSESSMENT",
    ]  # fmt: skip
    assert other == {
        "regionCode": "63.03", "selfAssessments": 0, "citizenResponses": 0, "citizenTarget": 0,
        "assessors": [], "campaigns": [],
    }  # fmt: skip
    assert [r["regionCode"] for r in second_page["data"]["seasonProgress"]] == ["63.03"]
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
