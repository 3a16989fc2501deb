"""@requires: with arguments, with fragments, on the subgraph's own fields, and in a
circle through another subgraph."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.gateway.sdl_subgraph import SdlSubgraph
from tests.gateway.support import gateway_over_sdl

LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
    'import: ["@key", "@external", "@requires", "@shareable"])\n'
)
PRICES = {"p1": {"USD": 10, "EUR": 9}, "p2": {"USD": 40, "EUR": 36}}


def catalog() -> SdlSubgraph:
    def product(upc: str) -> dict[str, Any]:
        return {
            "__typename": "Product",
            "upc": upc,
            "price": lambda currency: PRICES[upc][currency],
            "weight": 2,
        }

    return SdlSubgraph(
        LINK
        + """
        type Product @key(fields: "upc") { upc: String! price(currency: String!): Int weight: Int }
        type Query { products: [Product] }
        """,
        root={"products": lambda: [product("p1"), product("p2")]},
        entities={"Product": lambda r: product(r["upc"])},
    )


def shipping() -> SdlSubgraph:
    def product(r: dict[str, Any]) -> dict[str, Any]:
        return {
            "__typename": "Product",
            "upc": r["upc"],
            "estimate": r["price"] * r["weight"] if "weight" in r else None,
            "estimateEUR": r["price"] + 1000,
        }

    return SdlSubgraph(
        LINK
        + """
        type Product @key(fields: "upc") {
          upc: String!
          weight: Int @external
          price(currency: String!): Int @external
          estimate: Int @requires(fields: "price(currency: \\"USD\\") weight")
          estimateEUR: Int @requires(fields: "price(currency: \\"EUR\\")")
        }
        """,
        entities={"Product": product},
    )


async def test_a_requires_with_arguments_sends_the_value_for_those_arguments(
    tmp_path: Path,
) -> None:
    async with gateway_over_sdl(tmp_path, catalog=catalog(), shipping=shipping()) as gateway:
        body = await gateway.post('{ products { upc price(currency: "EUR") estimate } }')

    assert body == {
        "data": {
            "products": [
                {"upc": "p1", "price": 9, "estimate": 20},
                {"upc": "p2", "price": 36, "estimate": 80},
            ]
        }
    }


async def test_two_requires_of_one_field_with_other_arguments_are_fetched_apart(
    tmp_path: Path,
) -> None:
    async with gateway_over_sdl(tmp_path, catalog=catalog(), shipping=shipping()) as gateway:
        body = await gateway.post("{ products { estimate estimateEUR } }")
        (sent,) = gateway.subgraphs.bodies("shipping")

    assert body == {
        "data": {
            "products": [
                {"estimate": 20, "estimateEUR": 1009},
                {"estimate": 80, "estimateEUR": 1036},
            ]
        }
    }
    assert sorted(v for v in sent["variables"] if v.startswith("r")) == ["r0", "r1"]
    assert {r["price"] for r in sent["variables"]["r0"] + sent["variables"]["r1"]} == {
        10,
        40,
        9,
        36,
    }


def shapes() -> SdlSubgraph:
    items = {
        "e1": {"__typename": "Circle", "label": "c", "radius": 2},
        "e2": {"__typename": "Square", "label": "s", "side": 3},
    }
    return SdlSubgraph(
        LINK
        + """
        type Entity @key(fields: "id") { id: ID! shape: Shape }
        interface Shape { label: String! }
        type Circle implements Shape @shareable { label: String! radius: Int! }
        type Square implements Shape @shareable { label: String! side: Int! }
        type Query { entities: [Entity] }
        """,
        root={
            "entities": lambda: [
                {"__typename": "Entity", "id": i, "shape": s} for i, s in items.items()
            ]
        },
        entities={"Entity": lambda r: {"__typename": "Entity", **r, "shape": items[r["id"]]}},
    )


def areas() -> SdlSubgraph:
    def entity(r: dict[str, Any]) -> dict[str, Any]:
        shape = r["shape"]
        size = shape.get("radius", shape.get("side"))
        return {
            "__typename": "Entity",
            "id": r["id"],
            "area": f"{shape['label']}:{size}:{sorted(shape)}",
        }

    return SdlSubgraph(
        LINK
        + """
        type Entity @key(fields: "id") {
          id: ID!
          shape: Shape @external
          area: String @requires(fields: "shape { label ... on Circle { radius } ... on Square { side } }")
        }
        interface Shape { label: String! }
        type Circle implements Shape @shareable { label: String! radius: Int! }
        type Square implements Shape @shareable { label: String! side: Int! }
        """,
        entities={"Entity": entity},
    )


async def test_a_requires_with_fragments_sends_each_field_for_its_own_types(
    tmp_path: Path,
) -> None:
    async with gateway_over_sdl(tmp_path, shapes=shapes(), areas=areas()) as gateway:
        body = await gateway.post("{ entities { id area } }")

    assert body == {
        "data": {
            "entities": [
                {"id": "e1", "area": "c:2:['__typename', 'label', 'radius']"},
                {"id": "e2", "area": "s:3:['__typename', 'label', 'side']"},
            ]
        }
    }


def posts() -> SdlSubgraph:
    return SdlSubgraph(
        LINK
        + """
        type Post @key(fields: "id") {
          id: ID!
          byNovice: Boolean! @external
          byExpert: Boolean! @requires(fields: "byNovice")
        }
        type Author @key(fields: "id") { id: ID! years: Int! }
        type Query { feed: [Post] }
        """,
        root={
            "feed": lambda: [{"__typename": "Post", "id": "1"}, {"__typename": "Post", "id": "2"}]
        },
        entities={
            "Post": lambda r: {"__typename": "Post", "id": r["id"], "byExpert": not r["byNovice"]},
            "Author": lambda r: {"__typename": "Author", "id": r["id"], "years": int(r["id"]) * 5},
        },
    )


def authors() -> SdlSubgraph:
    return SdlSubgraph(
        LINK
        + """
        type Post @key(fields: "id") {
          id: ID!
          author: Author!
          byNovice: Boolean! @requires(fields: "author { years }")
        }
        type Author @key(fields: "id") { id: ID! years: Int! @external }
        """,
        entities={
            "Post": lambda r: {
                "__typename": "Post",
                "id": r["id"],
                "author": {"__typename": "Author", "id": r["id"]},
                "byNovice": r.get("author", {}).get("years", 99) < 8,
            }
        },
    )


async def test_a_requires_of_the_subgraphs_own_field_goes_round_the_other_subgraph(
    tmp_path: Path,
) -> None:
    async with gateway_over_sdl(tmp_path, posts=posts(), authors=authors()) as gateway:
        body = await gateway.post("{ feed { id byExpert } }")
        counts = gateway.subgraphs.counts()

    assert body == {
        "data": {"feed": [{"id": "1", "byExpert": False}, {"id": "2", "byExpert": True}]}
    }
    assert counts == {"posts": 3, "authors": 2}
