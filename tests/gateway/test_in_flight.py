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


def counter(answering: asyncio.Event) -> SdlSubgraph:
    """A subgraph that holds every answer until `answering` is set."""

    async def echo(text: str) -> str:
        await answering.wait()
        return text.upper()

    async def bump(by: int) -> int:
        await answering.wait()
        return by + 1

    return SdlSubgraph(
        "type Query { echo(text: String!): String } type Mutation { bump(by: Int!): Int }",
        root={"echo": echo, "bump": bump},
    )


async def shared_so_far(gateway: Gateway) -> int:
    text = (await gateway.client.get("/metrics")).text
    prefix = "smartcity_gateway_subgraph_requests_shared{"
    return int(float(next(x for x in text.splitlines() if x.startswith(prefix)).rsplit(" ", 1)[1]))


async def at_once(
    gateway: Gateway, answering: asyncio.Event, *requests: tuple[str, dict[str, Any], str]
) -> tuple[list[Any], int]:
    """The requests sent together, the subgraph answering none until each has either reached
    it or joined a request to it under way; their answers, and how many joined one."""
    gateway.subgraphs.received.clear()
    before = await shared_so_far(gateway)
    sent = [
        asyncio.create_task(
            gateway.client.post(
                "/graphql",
                json={"query": query, "variables": variables},
                headers={"Authorization": f"Bearer {bearer}"},
            )
        )
        for query, variables, bearer in requests
    ]
    shared = 0
    for _ in range(1000):
        shared = await shared_so_far(gateway) - before
        if len(gateway.subgraphs.received) + shared == len(requests):
            break
        await asyncio.sleep(0.01)
    else:
        raise AssertionError(
            f"of {len(requests)} requests, {len(gateway.subgraphs.received)} reached the "
            f"subgraph and {shared} joined one under way"
        )
    answering.set()
    responses = await asyncio.gather(*sent)
    return [r.json() for r in responses], shared


async def test_identical_concurrent_reads_share_one_subgraph_request(tmp_path: Path) -> None:
    admin = token(Role.ADMIN)
    read = ("query($t: String!) { echo(text: $t) }", {"t": "halo"}, admin)
    answering = asyncio.Event()
    async with gateway_over_sdl(tmp_path, counter=counter(answering)) as gateway:
        answers, shared = await at_once(gateway, answering, *[read] * 8)
        assert answers == [{"data": {"echo": "HALO"}}] * 8
        assert gateway.subgraphs.counts() == {"counter": 1}
        assert shared == 7


async def test_reads_of_other_callers_or_variables_are_each_sent(tmp_path: Path) -> None:
    query = "query($t: String!) { echo(text: $t) }"
    admin, ministry = token(Role.ADMIN), token(Role.MINISTRY)
    answering = asyncio.Event()
    async with gateway_over_sdl(tmp_path, counter=counter(answering)) as gateway:
        answers, shared = await at_once(
            gateway, answering, (query, {"t": "a"}, admin), (query, {"t": "b"}, admin),
            (query, {"t": "a"}, ministry),
        )  # fmt: skip
        assert [a["data"]["echo"] for a in answers] == ["A", "B", "A"]
        assert gateway.subgraphs.counts() == {"counter": 3}
        assert shared == 0


async def test_identical_concurrent_mutations_are_each_sent(tmp_path: Path) -> None:
    bump = ("mutation($by: Int!) { bump(by: $by) }", {"by": 1}, token(Role.ADMIN))
    answering = asyncio.Event()
    async with gateway_over_sdl(tmp_path, counter=counter(answering)) as gateway:
        answers, shared = await at_once(gateway, answering, bump, bump, bump)
        assert answers == [{"data": {"bump": 2}}] * 3
        assert gateway.subgraphs.counts() == {"counter": 3}
        assert shared == 0
