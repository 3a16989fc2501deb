"""The gateway over the suite's own three services, in-process."""

from __future__ import annotations

import contextlib
from pathlib import Path

from services.kernel.auth import Role
from services.registry import SERVICES
from tests.gateway.support import gateway_over, settings
from tests.support import token

QUERY = "{ regions(first: 200) { code latestScorecard { finalIndex } campaigns { id } } }"
# what a public page of the programme asks, anonymously: within the anonymous caller's cost
PUBLIC_PAGE = (
    "{ regions(first: 100) { code name latestScorecard { finalIndex } campaigns { id } } }"
)


async def test_a_hundred_regions_across_the_three_services_make_one_request_to_each(
    tmp_path: Path,
) -> None:
    config = settings(tmp_path, MONGODB_URI="mongomock://localhost")
    apps = {name: SERVICES[name].create_app(config) for name in ("catalog", "survey", "scoring")}
    codes = [f"{71 + i // 50}.{10 + i % 50}" for i in range(100)]
    async with contextlib.AsyncExitStack() as stack:
        for app in apps.values():
            await stack.enter_async_context(app.router.lifespan_context(app))
        gateway = await stack.enter_async_context(gateway_over(apps, config))
        gateway.headers = {"Authorization": f"Bearer {token(Role.ADMIN)}"}
        for code in codes:
            created = await gateway.post(
                "mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }",
                {
                    "i": {
                        "code": code,
                        "name": f"Kota {code}",
                        "kind": "KOTA",
                        "province": "Sulawesi Utara",
                        "cohort": "2023",
                    }
                },
            )
            assert created == {"data": {"createRegion": {"code": code}}}

        body = await gateway.post(QUERY)
        counts = gateway.subgraphs.counts()
        (survey,) = gateway.subgraphs.bodies("survey")
        public = (await gateway.client.post("/graphql", json={"query": PUBLIC_PAGE})).json()

    assert body == {
        "data": {
            "regions": [
                {"code": code, "latestScorecard": None, "campaigns": []} for code in sorted(codes)
            ]
        }
    }
    assert counts == {"catalog": 1, "survey": 1, "scoring": 1}
    assert len(survey["variables"]["r0"]) == 100
    assert "errors" not in public, public
    assert len(public["data"]["regions"]) == 100
