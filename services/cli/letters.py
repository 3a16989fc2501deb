"""Results letters fetched through the gateway, where each scorecard's `letterUrl` points."""

from __future__ import annotations

import asyncio
import re

from services.kernel.graphql_client import GraphQLClient, GraphQLFailure
from services.messages import _

LETTERS = """query($c: String!) { ranking(cycleId: $c) { regionCode letterUrl } }"""
ONE = """query($r: String!, $c: String!) { scorecard(regionCode: $r, cycleId: $c) {
  regionCode letterUrl } }"""
PARALLEL = 4  # letters asked at once: scoring renders them in worker threads
FILE_NAME = re.compile(r'filename="([^"/\\\\]+)"')


async def fetch_letters(
    gateway: GraphQLClient, cycle_id: str, region_code: str | None = None, language: str = "id"
) -> list[tuple[str, bytes]]:
    """(file name, PDF) of the region's letter, or of every region's the caller may read, in
    Bahasa Indonesia or, with `language="en"`, in English."""
    if region_code:
        card = (await gateway(ONE, {"r": region_code, "c": cycle_id}))["scorecard"]
        cards = [card] if card else []
    else:
        cards = (await gateway(LETTERS, {"c": cycle_id}))["ranking"]
    origin = gateway.url.rsplit("/graphql", 1)[0]
    at_once = asyncio.Semaphore(PARALLEL)

    async def fetch(card: dict[str, str]) -> tuple[str, bytes]:
        async with at_once:
            response = await gateway.http.get(
                origin + card["letterUrl"], params={"language": language}, headers=gateway.headers
            )
        if response.status_code != 200:
            said = _("the letter of {region} was refused: HTTP {status} {reason}")
            raise GraphQLFailure(
                said.format(
                    region=card["regionCode"], status=response.status_code,
                    reason=response.text[:200],
                )
            )  # fmt: skip
        found = FILE_NAME.search(response.headers.get("content-disposition", ""))
        name = found.group(1) if found else f"{card['regionCode']}-{cycle_id}.pdf"
        return name, response.content

    return list(await asyncio.gather(*(fetch(card) for card in cards)))
