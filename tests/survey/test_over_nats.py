"""Catalog and survey talking only through a real nats-server."""

import asyncio
import dataclasses
import time

import pytest

from services.catalog.app import create_app as create_catalog
from services.contracts.events.survey import CampaignOpened, ResponsesAccepted
from services.kernel.auth import Role
from services.survey.app import create_app as create_survey
from tests.streams import wait_for_messages
from tests.support import graphql, running, token

pytestmark = pytest.mark.integration

ADMIN = token(Role.ADMIN)


async def until_accepted(call, timeout: float = 20.0):
    """Repeats a call while the survey has not yet learnt what the catalog published."""
    deadline = time.monotonic() + timeout
    while True:
        result = await call()
        not_known = (
            result.get("errors") and result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        )
        if not not_known or time.monotonic() > deadline:
            return result
        await asyncio.sleep(0.2)


async def test_the_survey_learns_regions_and_cycles_from_catalog_events(settings, nats_server):
    shared = dataclasses.replace(settings, nats_url=nats_server.url)
    async with running(create_catalog(shared)) as catalog, running(create_survey(shared)) as survey:
        region = {"code": "12.07", "name": "Kabupaten Deli Serdang", "kind": "KABUPATEN",
                  "province": "Sumatera Utara", "cohort": "regular_2017_2019"}  # fmt: skip
        await graphql(catalog, "mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }",
                      {"i": region}, bearer=ADMIN)  # fmt: skip
        cycle = await graphql(
            catalog,
            "mutation($i: CreateEvaluationCycleInput!) { createEvaluationCycle(input: $i) { id } }",
            {"i": {"year": 2023, "stage": "TAHAP_2", "cohort": "regular_2017_2019", "opensOn": "2023-09-01",
                   "closesOn": "2023-11-30", "regionCodes": ["12.07"]}},
            bearer=ADMIN,
        )  # fmt: skip
        cycle_id = cycle["data"]["createEvaluationCycle"]["id"]
        opening = {"instrumentKey": "citizen-impact-2023", "instrumentVersion": 1, "regionCode": "12.07",
                   "cycleId": cycle_id, "audience": "CITIZEN"}  # fmt: skip
        opened = await until_accepted(
            lambda: graphql(
                survey,
                "mutation($i: OpenCampaignInput!) { openCampaign(input: $i) { id } }",
                {"i": opening},
                bearer=ADMIN,
            )
        )
        campaign_id = opened["data"]["openCampaign"]["id"]
        tokens = await graphql(
            survey, "mutation($i: IssueRespondentTokensInput!) { issueRespondentTokens(input: $i) }",
            {"i": {"campaignId": campaign_id, "count": 1, "subDimension": "waste"}}, bearer=ADMIN,
        )  # fmt: skip
        answers = [{"questionCode": c, "score": 3} for c in ("D.6.2.1", "D.6.2.2", "D.6.2.3")]
        submitted = await graphql(
            survey, "mutation($i: SubmitResponseInput!) { submitResponse(input: $i) { response { id } } }",
            {"i": {"campaignId": campaign_id, "idempotencyKey": "nats-0000001", "answers": answers}},
            bearer=tokens["data"]["issueRespondentTokens"][0],
        )  # fmt: skip
        response_id = submitted["data"]["submitResponse"]["response"]["id"]
        # region, cycle, three shipped instruments, campaign, response
        published = await wait_for_messages(
            nats_server.url, 7, containing=ResponsesAccepted.event_type()
        )
    kinds = [e["type"] for e in published]
    assert CampaignOpened.event_type() in kinds
    accepted = [e for e in published if e["type"] == ResponsesAccepted.event_type()]
    items = [item for e in accepted for item in e["data"]["items"]]
    assert [(item["response_id"], item["sub_dimension"]) for item in items] == [
        (response_id, "waste")
    ]
