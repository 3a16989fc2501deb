"""Interfaces and unions spread across subgraphs: each subgraph asked only what it can
answer for the types it has, fields of different types under one key kept apart, and what
clients cannot see left out."""

from __future__ import annotations

from pathlib import Path

from tests.gateway.sdl_subgraph import SdlSubgraph
from tests.gateway.support import gateway_over_sdl

LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
    'import: ["@key", "@external", "@shareable", "@inaccessible"])\n'
)


async def test_a_subgraph_whose_field_is_one_member_of_the_union_gets_no_fragment_on_others(
    tmp_path: Path,
) -> None:
    books = SdlSubgraph(
        LINK
        + """
        type Book @key(fields: "id") { id: ID! title: String! @shareable }
        type Viewer @key(fields: "id") { id: ID! favourite: Book @shareable }
        type Query { viewer: Viewer }
        """,
        root={
            "viewer": lambda: {
                "__typename": "Viewer",
                "id": "v1",
                "favourite": {"__typename": "Book", "id": "b1", "title": "Dune"},
            }
        },
    )
    media = SdlSubgraph(
        LINK
        + """
        type Book @key(fields: "id") { id: ID! title: String! @shareable }
        type Film @key(fields: "id") { id: ID! title: String! @shareable }
        union Media = Book | Film
        type Viewer @key(fields: "id") { id: ID! favourite: Media @shareable }
        """,
    )

    async with gateway_over_sdl(tmp_path, books=books, media=media) as gateway:
        body = await gateway.post(
            "{ viewer { favourite { __typename ... on Film { title } ... on Book { title } } } }"
        )
        (sent,) = gateway.subgraphs.bodies("books")

    assert body == {"data": {"viewer": {"favourite": {"__typename": "Book", "title": "Dune"}}}}
    assert "Film" not in sent["query"]


def nodes(with_chat_id: bool) -> tuple[SdlSubgraph, SdlSubgraph]:
    accounts = SdlSubgraph(
        LINK
        + f"""
        interface Node {{ id: ID! }}
        type Account implements Node @key(fields: "id") {{ id: ID! name: String }}
        type Chat implements Node @key(fields: "id") {{
          id: ID! {"" if with_chat_id else "@external"} account: Account
        }}
        type Query {{ node(id: ID!): Node @shareable }}
        """,
        root={"node": lambda id: {"__typename": "Account", "id": id, "name": f"n-{id}"}},
        entities={"Chat": lambda r: {"__typename": "Chat", "id": r["id"]}},
    )
    chats = SdlSubgraph(
        LINK
        + """
        interface Node { id: ID! }
        type Account implements Node @key(fields: "id") { id: ID! @external chats: [Chat] }
        type Chat implements Node @key(fields: "id") { id: ID! text: String }
        type Query { node(id: ID!): Node @shareable }
        """,
        root={"node": lambda id: {"__typename": "Chat", "id": id, "text": f"t-{id}"}},
        entities={"Account": lambda r: {"__typename": "Account", "id": r["id"], "chats": []}},
    )
    return accounts, chats


async def test_an_interface_field_no_one_subgraph_answers_for_every_implementation_is_refused(
    tmp_path: Path,
) -> None:
    accounts, chats = nodes(with_chat_id=False)

    async with gateway_over_sdl(tmp_path, accounts=accounts, chats=chats) as gateway:
        refused = await gateway.post('{ node(id: "a1") { id } }')
        answered = await gateway.post('{ node(id: "a1") { ... on Account { id name } } }')

    assert refused["errors"][0]["extensions"]["code"] == "QUERY_PLANNING_FAILED"
    assert "data" not in refused or refused["data"] is None
    assert answered == {"data": {"node": {"id": "a1", "name": "n-a1"}}}


async def test_an_interface_field_every_implementation_answers_is_asked_on_the_interface(
    tmp_path: Path,
) -> None:
    accounts, chats = nodes(with_chat_id=True)

    async with gateway_over_sdl(tmp_path, accounts=accounts, chats=chats) as gateway:
        body = await gateway.post('{ node(id: "a1") { id } }')
        (sent,) = [b["query"] for _, b in gateway.subgraphs.received]

    assert body == {"data": {"node": {"id": "a1"}}}
    assert "... on" not in sent


async def test_same_named_fields_of_different_types_under_fragments_are_kept_apart(
    tmp_path: Path,
) -> None:
    users = SdlSubgraph(
        LINK + "type User { id: ID @shareable } type Query { users: [User!]! }",
        root={"users": lambda: [{"__typename": "User", "id": "u1"}]},
    )
    accounts = SdlSubgraph(
        LINK
        + """
        union Account = User | Admin
        type User @key(fields: "id") { id: ID! name: String }
        type Admin { id: ID name: String }
        type Query { accounts: [Account!]! }
        """,
        root={
            "accounts": lambda: [
                {"__typename": "User", "id": "u1", "name": "Ann"},
                {"__typename": "Admin", "id": None, "name": "Bob"},
            ]
        },
    )

    async with gateway_over_sdl(tmp_path, users=users, accounts=accounts) as gateway:
        body = await gateway.post(
            "{ accounts { ... on User { id name } ... on Admin { id name } } }"
        )

    assert body == {
        "data": {"accounts": [{"id": "u1", "name": "Ann"}, {"id": None, "name": "Bob"}]}
    }


async def test_what_clients_cannot_see_is_null_in_the_response(tmp_path: Path) -> None:
    users = SdlSubgraph(
        LINK
        + """
        enum Kind { REGULAR ANONYMOUS @inaccessible }
        interface Thing { id: ID! }
        type Visible implements Thing { id: ID! }
        type Hidden implements Thing @inaccessible { id: ID! }
        type User { id: ID! kind: Kind }
        type Query { users: [User] things: [Thing] }
        """,
        root={
            "users": lambda: [
                {"__typename": "User", "id": "u1", "kind": "REGULAR"},
                {"__typename": "User", "id": "u2", "kind": "ANONYMOUS"},
            ],
            "things": lambda: [
                {"__typename": "Visible", "id": "v"},
                {"__typename": "Hidden", "id": "h"},
            ],
        },
    )

    async with gateway_over_sdl(tmp_path, users=users) as gateway:
        body = await gateway.post("{ users { id kind } things { id } }")

    assert body == {
        "data": {
            "users": [{"id": "u1", "kind": "REGULAR"}, {"id": "u2", "kind": None}],
            "things": [{"id": "v"}, None],
        }
    }


def partial_unions() -> dict[str, SdlSubgraph]:
    def subgraph(own: str, extra: str) -> SdlSubgraph:
        actions = [
            {"__typename": "Common", "label": "common"},
            {"__typename": f"Only{own.upper()}", own: f"only {own}"},
        ]
        container = {"__typename": "Container", "id": "c1", "wrapper": {"actions": actions}}
        return SdlSubgraph(
            LINK
            + f"""
            type Container @key(fields: "id") {{ id: ID! wrapper: Wrapper @shareable {extra} }}
            type Wrapper @shareable {{ actions: [Action!]! @shareable }}
            union Action = Common | Only{own.upper()}
            type Common @shareable {{ label: String }}
            type Only{own.upper()} {{ {own}: String }}
            type Query {{ root{own.upper()}: Container }}
            """,
            root={f"root{own.upper()}": lambda: {**container, "own": {"actions": actions}}},
            entities={"Container": lambda r: container},
        )

    return {"a": subgraph("a", ""), "b": subgraph("b", "own: Wrapper")}


async def test_a_member_only_some_answering_subgraphs_return_is_left_out(tmp_path: Path) -> None:
    """Under a field either subgraph could answer, the answer does not depend on which was
    asked: only the union members both return are filled; below a field only one subgraph
    resolves, that one's members are."""
    selection = "{ __typename ... on Common { label } ... on OnlyA { a } ... on OnlyB { b } }"

    async with gateway_over_sdl(tmp_path, **partial_unions()) as gateway:
        shared = await gateway.post(f"{{ rootA {{ wrapper {{ actions {selection} }} }} }}")
        own = await gateway.post(f"{{ rootB {{ own {{ actions {selection} }} }} }}")

    assert shared == {
        "data": {
            "rootA": {
                "wrapper": {
                    "actions": [
                        {"__typename": "Common", "label": "common"},
                        {"__typename": "OnlyA", "a": None},
                    ]
                }
            }
        }
    }
    assert own["data"]["rootB"]["own"]["actions"][1] == {"__typename": "OnlyB", "b": "only b"}
