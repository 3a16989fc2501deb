"""A survey service on mongomock with a recording publisher, and catalog facts fed to it."""

from __future__ import annotations

from typing import Any

import pytest

from services.kernel.auth import Role
from services.survey.app import create_app
from tests import in_process, published
from tests.catalog.test_api import Recorder
from tests.support import running, token

ADMIN = token(Role.ADMIN)
CYCLE = "cycle-2023-t2"
REGIONS = ("12.07", "63.03")


COHORT = "regular_2017_2019"


def region_registered(code: str) -> dict[str, Any]:
    return published.region_registered(code, COHORT)


def cycle_opened(cycle_id: str = CYCLE, regions: tuple[str, ...] = REGIONS) -> dict[str, Any]:
    return published.cycle_opened(cycle_id, 2023, COHORT, regions)


class Api(in_process.Api):
    """The survey over HTTP, with the catalog facts it would learn from the stream."""

    async def open_campaign(
        self, audience: str, instrument: str, region: str = "12.07", **extra
    ) -> str:
        result = await self(
            "mutation($i: OpenCampaignInput!) { openCampaign(input: $i) { id } }",
            {"i": {"instrumentKey": instrument, "instrumentVersion": 1, "regionCode": region,
                   "cycleId": CYCLE, "audience": audience, **extra}},
            bearer=ADMIN,
        )  # fmt: skip
        assert "errors" not in result, result
        return str(result["data"]["openCampaign"]["id"])

    async def respondent_tokens(
        self, campaign_id: str, count: int, sub_dimension: str | None
    ) -> list[str]:
        result = await self(
            "mutation($i: IssueRespondentTokensInput!) { issueRespondentTokens(input: $i) }",
            {"i": {"campaignId": campaign_id, "count": count, "subDimension": sub_dimension}},
            bearer=ADMIN,
        )
        assert "errors" not in result, result
        return list(result["data"]["issueRespondentTokens"])


@pytest.fixture
async def api(settings):
    published = Recorder()
    app = create_app(settings, publish=published)
    async with running(app) as client:
        surface = Api(client, app, published)
        await surface.learn(*(region_registered(code) for code in REGIONS), cycle_opened())
        yield surface
