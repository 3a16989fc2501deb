"""@interfaceObject: a subgraph that adds fields to an interface without knowing its
implementations, and one that owns the interface and knows them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from services.kernel.auth import Role
from tests.gateway.sdl_subgraph import SdlSubgraph
from tests.gateway.support import Gateway, gateway_over, settings
from tests.support import token

LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
    'import: ["@key", "@interfaceObject", "@shareable"])\n'
)
ACCOUNTS = {
    "a1": {"__typename": "Admin", "id": "a1", "level": 3},
    "r1": {"__typename": "Regular", "id": "r1", "since": 2019},
}


def owner() -> SdlSubgraph:
    return SdlSubgraph(
        LINK
        + """
        interface Account @key(fields: "id") { id: ID! }
        type Admin implements Account @key(fields: "id") { id: ID! level: Int }
        type Regular implements Account @key(fields: "id") { id: ID! since: Int }
        type Query { owned: [Account] }
        """,
        root={"owned": lambda: list(ACCOUNTS.values())},
        entities={
            "Account": lambda r: ACCOUNTS.get(r["id"]),
            "Admin": lambda r: ACCOUNTS.get(r["id"]),
            "Regular": lambda r: ACCOUNTS.get(r["id"]),
        },
    )


def names() -> SdlSubgraph:
    def account(representation: dict) -> dict:  # type: ignore[type-arg]
        return {
            "__typename": "Account",
            "id": representation["id"],
            "name": f"name-{representation['id']}",
        }

    return SdlSubgraph(
        LINK
        + """
        type Account @key(fields: "id") @interfaceObject { id: ID! name: String }
        type Query { named: [Account] }
        """,
        root={"named": lambda: [account({"id": "a1"}), account({"id": "r1"})]},
        entities={"Account": account},
    )


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[Gateway]:
    apps = {"owner": owner().app(), "names": names().app()}
    async with gateway_over(apps, settings(tmp_path)) as running:
        running.headers = {"Authorization": f"Bearer {token(Role.ADMIN)}"}
        yield running


async def test_an_implementation_gets_a_field_only_the_interface_object_has(
    gateway: Gateway,
) -> None:
    body = await gateway.post("{ owned { id name ... on Admin { level } } }")

    assert body == {
        "data": {
            "owned": [
                {"id": "a1", "name": "name-a1", "level": 3},
                {"id": "r1", "name": "name-r1"},
            ]
        }
    }
    (sent,) = gateway.subgraphs.bodies("names")
    assert sent["variables"]["r0"] == [
        {"__typename": "Account", "id": "a1"},
        {"__typename": "Account", "id": "r1"},
    ]


async def test_which_implementation_comes_from_the_interfaces_owner(gateway: Gateway) -> None:
    body = await gateway.post(
        "{ named { __typename name ... on Regular { since } ... on Admin { level } } }"
    )

    assert body == {
        "data": {
            "named": [
                {"__typename": "Admin", "name": "name-a1", "level": 3},
                {"__typename": "Regular", "name": "name-r1", "since": 2019},
            ]
        }
    }
    assert gateway.subgraphs.counts() == {"names": 1, "owner": 1}


async def test_interface_fields_alone_need_no_owner(gateway: Gateway) -> None:
    body = await gateway.post("{ named { id name } }")

    assert body == {
        "data": {"named": [{"id": "a1", "name": "name-a1"}, {"id": "r1", "name": "name-r1"}]}
    }
    assert gateway.subgraphs.counts() == {"names": 1}
