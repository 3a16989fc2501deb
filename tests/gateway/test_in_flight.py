"""Identical reads under way at once share one subgraph request; different callers, different
variables and mutations never do."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from services.kernel.auth import Role
from tests.gateway.sdl_subgraph import SdlSubgraph
from tests.gateway.support import Gateway, gateway_over_sdl
from tests.support import token

COUNTER = SdlSubgraph(
    "type Query { echo(text: String!): String } type Mutation { bump(by: Int!): Int }",
    root={"echo": lambda text: text.upper(), "bump": lambda by: by + 1},
)


async def at_once(gateway: Gateway, *requests: tuple[str, dict[str, Any], str]) -> list[Any]:
    """The requests sent together while the subgraph takes its time to answer each."""
    gateway.subgraphs.received.clear()
    gateway.subgraphs.delay_seconds = 0.05
    responses = await asyncio.gather(
        *(
            gateway.client.post(
                "/graphql",
                json={"query": query, "variables": variables},
                headers={"Authorization": f"Bearer {bearer}"},
            )
            for query, variables, bearer in requests
        )
    )
    return [r.json() for r in responses]


async def test_identical_concurrent_reads_share_one_subgraph_request(tmp_path: Path) -> None:
    admin = token(Role.ADMIN)
    read = ("query($t: String!) { echo(text: $t) }", {"t": "halo"}, admin)
    async with gateway_over_sdl(tmp_path, counter=COUNTER) as gateway:
        answers = await at_once(gateway, *[read] * 8)
        assert answers == [{"data": {"echo": "HALO"}}] * 8
        assert gateway.subgraphs.counts() == {"counter": 1}
        metrics = (await gateway.client.get("/metrics")).text
        assert 'smartcity_gateway_subgraph_requests_shared{service="gateway"} 7.0' in metrics


async def test_reads_of_other_callers_or_variables_are_each_sent(tmp_path: Path) -> None:
    query = "query($t: String!) { echo(text: $t) }"
    admin, ministry = token(Role.ADMIN), token(Role.MINISTRY)
    async with gateway_over_sdl(tmp_path, counter=COUNTER) as gateway:
        answers = await at_once(
            gateway, (query, {"t": "a"}, admin), (query, {"t": "b"}, admin),
            (query, {"t": "a"}, ministry),
        )  # fmt: skip
        assert [a["data"]["echo"] for a in answers] == ["A", "B", "A"]
        assert gateway.subgraphs.counts() == {"counter": 3}


async def test_identical_concurrent_mutations_are_each_sent(tmp_path: Path) -> None:
    bump = ("mutation($by: Int!) { bump(by: $by) }", {"by": 1}, token(Role.ADMIN))
    async with gateway_over_sdl(tmp_path, counter=COUNTER) as gateway:
        answers = await at_once(gateway, bump, bump, bump)
        assert answers == [{"data": {"bump": 2}}] * 3
        assert gateway.subgraphs.counts() == {"counter": 3}
