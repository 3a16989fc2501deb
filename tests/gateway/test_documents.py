"""Documents a subgraph serves beside GraphQL reach callers through the gateway."""

from __future__ import annotations

import contextlib
from pathlib import Path

from services.kernel.auth import Role
from services.registry import SERVICES
from tests.gateway.support import gateway_over, settings
from tests.support import token

LETTER = "/letters/35.07/cycle-2023.pdf"


async def test_a_letter_is_asked_of_scoring_as_the_caller_and_its_answer_passed_on(
    tmp_path: Path,
) -> None:
    config = settings(tmp_path, MONGODB_URI="mongomock://localhost")
    apps = {name: SERVICES[name].create_app(config) for name in ("catalog", "survey", "scoring")}
    async with contextlib.AsyncExitStack() as stack:
        for app in apps.values():
            await stack.enter_async_context(app.router.lifespan_context(app))
        gateway = await stack.enter_async_context(gateway_over(apps, config))
        anonymous = await gateway.client.get(LETTER)
        admin = await gateway.client.get(
            LETTER, headers={"Authorization": f"Bearer {token(Role.ADMIN)}"}
        )
        forged = await gateway.client.get(LETTER, headers={"Authorization": "Bearer forged"})
        french = await gateway.client.get(LETTER, params={"language": "fr"})
        gateway.subgraphs.down.add("scoring")
        down = await gateway.client.get(LETTER)

    # scoring answered both: it has no such scorecard, whoever asks
    for answer in (anonymous, admin):
        assert answer.status_code == 404
        assert answer.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert (forged.status_code, forged.json()["errors"][0]["extensions"]["code"]) == (
        401, "UNAUTHENTICATED",
    )  # fmt: skip
    # the letter's language is passed on: scoring refuses one it does not write
    assert (french.status_code, french.json()["errors"][0]["extensions"]["code"]) == (
        400, "BAD_USER_INPUT",
    )  # fmt: skip
    assert (down.status_code, down.json()["errors"][0]["extensions"]["code"]) == (
        502, "SUBGRAPH_UNAVAILABLE",
    )  # fmt: skip
