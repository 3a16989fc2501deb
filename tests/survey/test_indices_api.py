import csv
import io

import pytest

from services.kernel.auth import Role
from tests.support import token

from .conftest import ADMIN, CYCLE
from .test_responses_api import SUBMIT, submission

IMPACT = """query($id: ID!) { campaign(id: $id) { citizenImpact {
  subDimensions { subDimension respondents quota fill belowTarget mean score }
  dimensions { dimension respondents score belowTarget } } } }"""
IKM = """query($id: ID!, $published: Boolean!) { campaign(id: $id) { ikm(publishedRounding: $published) {
  index grade gradeLabel weight elements { code respondents nrr } } } }"""


async def answered_impact_campaign(api, scores_per_citizen) -> str:
    campaign_id = await api.open_campaign("CITIZEN", "citizen-impact-2023", quotaPerSubDimension=2)
    tokens = await api.respondent_tokens(campaign_id, len(scores_per_citizen), "public_service")
    for number, (citizen, scores) in enumerate(zip(tokens, scores_per_citizen, strict=True)):
        result = await api(
            SUBMIT, submission(campaign_id, f"key-{number:07d}", scores), bearer=citizen
        )
        assert "errors" not in result, result
    return campaign_id


async def test_citizen_impact_maps_the_sub_dimension_mean_onto_0_to_4_with_quota_fill(api):
    campaign_id = await answered_impact_campaign(api, [(4, 3, 2), (3, 3, 3)])
    result = await api(IMPACT, {"id": campaign_id}, bearer=ADMIN)
    impact = result["data"]["campaign"]["citizenImpact"]
    public_service = impact["subDimensions"][0]
    mapped = 4 * (3 - 1) / (4 - 1)  # the mean 3 of 1-4 answers, stretched onto 0-4
    assert public_service == {
        "subDimension": "public_service", "respondents": 2, "quota": 2, "fill": 1.0,
        "belowTarget": False, "mean": 3.0, "score": mapped,
    }  # fmt: skip
    assert impact["subDimensions"][1]["belowTarget"] is True
    assert impact["dimensions"][0] == {
        "dimension": "governance", "respondents": 2, "score": mapped, "belowTarget": True,
    }  # fmt: skip


async def test_the_ikm_of_a_service_campaign_follows_permenpanrb(api):
    campaign_id = await api.open_campaign(
        "CITIZEN", "ikm-permenpanrb-14-2017", service="MPP Barokah"
    )
    (citizen,) = await api.respondent_tokens(campaign_id, 1, None)
    all_fours = [{"questionCode": f"U{n}", "score": 4} for n in range(1, 10)]
    submitted = await api(SUBMIT, {"i": {"campaignId": campaign_id, "idempotencyKey": "ikm-0000001",
                                         "answers": all_fours}}, bearer=citizen)  # fmt: skip
    assert "errors" not in submitted, submitted
    result = await api(IKM, {"id": campaign_id, "published": False}, bearer=ADMIN)
    ikm = result["data"]["campaign"]["ikm"]
    assert (ikm["index"], ikm["grade"], ikm["gradeLabel"]) == (100.0, "A", "Sangat Baik")
    assert ikm["elements"][0] == {"code": "U1", "respondents": 1, "nrr": 4.0}


async def test_an_ikm_needs_answers_for_every_element(api):
    campaign_id = await api.open_campaign("CITIZEN", "ikm-permenpanrb-14-2017")
    result = await api(IKM, {"id": campaign_id, "published": False}, bearer=ADMIN)
    assert result["data"]["campaign"]["ikm"]["index"] is None


@pytest.mark.parametrize(("published", "index"), [(False, 82.22), (True, 82.14)])
async def test_the_published_nrr_reproduce_the_published_index(api, published, index):
    result = await api(
        "query($nrr: [Float!]!, $p: Boolean!) { ikmOfNrr(nrr: $nrr, publishedRounding: $p) { index grade } }",
        {"nrr": [3.20, 3.10, 3.00, 3.90, 3.30, 3.40, 3.50, 3.00, 3.20], "p": published},
    )
    assert result == {"data": {"ikmOfNrr": {"index": index, "grade": "B"}}}


async def test_the_minimum_sample_follows_krejcie_morgan(api):
    result = await api("{ a: minimumSample(population: 100) b: minimumSample(population: 10000) }")
    assert result == {"data": {"a": 80, "b": 370}}


async def test_question_statistics_give_n_mean_and_distribution(api):
    campaign_id = await answered_impact_campaign(api, [(4, 3, 2), (3, 3, 3)])
    result = await api(
        "query($id: ID!) { campaign(id: $id) { questionStatistics { questionCode n mean distribution { value count } } } }",
        {"id": campaign_id},
        bearer=ADMIN,
    )
    first = result["data"]["campaign"]["questionStatistics"][0]
    assert first == {
        "questionCode": "D.1.1.1", "n": 2, "mean": 3.5,
        "distribution": [{"value": 3.0, "count": 1}, {"value": 4.0, "count": 1}],
    }  # fmt: skip


async def test_responses_export_as_csv_with_a_column_per_question(api):
    campaign_id = await answered_impact_campaign(api, [(4, 3, 2)])
    result = await api(
        "query($id: ID!) { campaign(id: $id) { responsesCsv } }", {"id": campaign_id}, bearer=ADMIN
    )
    rows = list(csv.DictReader(io.StringIO(result["data"]["campaign"]["responsesCsv"])))
    assert len(rows) == 1
    assert (rows[0]["D.1.1.1"], rows[0]["D.1.1.3"], rows[0]["D.2.1.1"]) == (
        "4",
        "2",
        "",
    )
    assert (rows[0]["sub_dimension"], rows[0]["respondent"]) == ("public_service", "")


async def test_results_of_an_open_campaign_are_not_public_but_become_so_when_closed(api):
    campaign_id = await answered_impact_campaign(api, [(4, 3, 2)])
    anonymous = await api(IMPACT, {"id": campaign_id})
    other_region = await api(
        IMPACT, {"id": campaign_id}, bearer=token(Role.REGION_OPERATOR, region="63.03")
    )
    own_region = await api(
        IMPACT, {"id": campaign_id}, bearer=token(Role.REGION_OPERATOR, region="12.07")
    )
    await api(
        "mutation($id: ID!) { closeCampaign(id: $id) { id } }", {"id": campaign_id}, bearer=ADMIN
    )
    after_close = await api(IMPACT, {"id": campaign_id})
    raw_after_close = await api(
        "query($id: ID!) { campaign(id: $id) { responsesCsv } }", {"id": campaign_id}
    )
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert other_region["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "errors" not in own_region and "errors" not in after_close
    assert raw_after_close["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_region_entity_gains_its_campaigns_and_survey_indices(api):
    campaign_id = await answered_impact_campaign(api, [(4, 4, 4)])
    result = await api(
        """query($r: [_Any!]!, $cycle: String!) { _entities(representations: $r) { ... on Region {
             code campaigns { id audience } surveyIndices(cycleId: $cycle) {
               citizenImpact { dimensions { dimension score } } } } } }""",
        {"r": [{"__typename": "Region", "code": "12.07"}, {"__typename": "Region", "code": "63.03"}],
         "cycle": CYCLE},
        bearer=ADMIN,
    )  # fmt: skip
    deli, banjar = result["data"]["_entities"]
    assert deli["campaigns"] == [{"id": campaign_id, "audience": "CITIZEN"}]
    assert deli["surveyIndices"]["citizenImpact"]["dimensions"][0] == {
        "dimension": "governance",
        "score": 4.0,
    }
    assert banjar == {"code": "63.03", "campaigns": [], "surveyIndices": {"citizenImpact": None}}


async def test_a_campaign_for_a_region_outside_the_cycle_or_unknown_is_refused(api):
    opening = "mutation($i: OpenCampaignInput!) { openCampaign(input: $i) { id } }"
    base = {
        "instrumentKey": "citizen-impact-2023",
        "instrumentVersion": 1,
        "cycleId": CYCLE,
        "audience": "CITIZEN",
    }
    unknown = await api(opening, {"i": base | {"regionCode": "99.99"}}, bearer=ADMIN)
    wrong_instrument = await api(
        opening, {"i": base | {"regionCode": "12.07", "instrumentVersion": 7}}, bearer=ADMIN
    )
    wrong_audience = await api(
        opening, {"i": base | {"regionCode": "12.07", "audience": "ASSESSOR"}}, bearer=ADMIN
    )
    operator_assessor = await api(
        opening,
        {
            "i": base
            | {
                "regionCode": "12.07",
                "audience": "ASSESSOR",
                "instrumentKey": "smartcity-evaluation-2023",
            }
        },
        bearer=token(Role.REGION_OPERATOR, region="12.07"),
    )
    assert unknown["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": "input.regionCode"}
    assert wrong_instrument["errors"][0]["extensions"] == {
        "code": "NOT_FOUND",
        "field": "input.instrumentVersion",
    }
    assert wrong_audience["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "input.audience",
    }
    assert operator_assessor["errors"][0]["extensions"]["code"] == "FORBIDDEN"
