"""Reaching an entity's fields across subgraphs: a key gathered through a third subgraph,
federation 1 extensions that resolve their @external keys, and @provides that spares a
fetch."""

from __future__ import annotations

from pathlib import Path

from tests.gateway.sdl_subgraph import SdlSubgraph
from tests.gateway.support import gateway_over_sdl

LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
    'import: ["@key", "@external", "@provides", "@shareable"])\n'
)


async def test_a_key_no_subgraph_of_the_path_has_is_gathered_through_a_third_null_left_out(
    tmp_path: Path,
) -> None:
    products = SdlSubgraph(
        LINK + 'type Product @key(fields: "id") { id: ID! } type Query { products: [Product] }',
        root={"products": lambda: [{"__typename": "Product", "id": "1"}, None]},
    )
    skus = SdlSubgraph(
        LINK + 'type Product @key(fields: "id") { id: ID! sku: String! @shareable }',
        entities={
            "Product": lambda r: {"__typename": "Product", "id": r["id"], "sku": f"S{r['id']}"}
        },
    )
    prices = SdlSubgraph(
        LINK + 'type Product @key(fields: "sku") { sku: String! @shareable price: Int }',
        entities={"Product": lambda r: {"__typename": "Product", "sku": r["sku"], "price": 7}},
    )

    async with gateway_over_sdl(tmp_path, products=products, skus=skus, prices=prices) as gateway:
        body = await gateway.post("{ products { id price } }")
        (sent,) = gateway.subgraphs.bodies("prices")

    assert body == {"data": {"products": [{"id": "1", "price": 7}, None]}}
    assert sent["variables"]["r0"] == [{"__typename": "Product", "sku": "S1"}]


async def test_a_federation_1_extension_answers_with_its_external_key(tmp_path: Path) -> None:
    base = SdlSubgraph(
        'type Product @key(fields: "upc") { upc: String! name: String } '
        "type Query { top: Product }",
        root={"top": lambda: {"__typename": "Product", "upc": "u1", "name": "Lamp"}},
        entities={"Product": lambda r: {"__typename": "Product", "upc": r["upc"], "name": "Lamp"}},
    )
    reviews = SdlSubgraph(
        'extend type Product @key(fields: "upc") { upc: String! @external stars: Int } '
        "extend type Query { reviewed: Product }",
        root={"reviewed": lambda: {"__typename": "Product", "upc": "u1", "stars": 4}},
        entities={"Product": lambda r: {"__typename": "Product", "upc": r["upc"], "stars": 4}},
    )

    async with gateway_over_sdl(tmp_path, base=base, reviews=reviews) as gateway:
        body = await gateway.post("{ reviewed { upc stars name } top { upc stars } }")

    assert body == {
        "data": {
            "reviewed": {"upc": "u1", "stars": 4, "name": "Lamp"},
            "top": {"upc": "u1", "stars": 4},
        }
    }


async def test_a_provides_through_an_interface_is_taken_over_a_fetch(tmp_path: Path) -> None:
    animals = [
        {"__typename": "Cat", "id": "c1", "name": "Tom", "age": 3},
        {"__typename": "Dog", "id": "d1", "name": "Rex"},
    ]
    owner = SdlSubgraph(
        LINK
        + """
        interface Animal { id: ID! name: String }
        type Cat implements Animal @key(fields: "id") { id: ID! name: String @shareable age: Int }
        type Dog implements Animal @key(fields: "id") { id: ID! name: String @shareable }
        type Shelter @key(fields: "id") { id: ID! residents: [Animal] @shareable }
        """,
        entities={
            "Cat": lambda r: animals[0],
            "Dog": lambda r: animals[1],
            "Shelter": lambda r: {"__typename": "Shelter", "id": r["id"], "residents": animals},
        },
    )
    shelters = SdlSubgraph(
        LINK
        + """
        interface Animal { id: ID! name: String }
        type Cat implements Animal @key(fields: "id") { id: ID! name: String @external }
        type Dog implements Animal @key(fields: "id") { id: ID! name: String @external }
        type Shelter @key(fields: "id") { id: ID! residents: [Animal] @external }
        type Query { shelter: Shelter @provides(fields: "residents { name }") }
        """,
        root={"shelter": lambda: {"__typename": "Shelter", "id": "s1", "residents": animals}},
    )

    async with gateway_over_sdl(tmp_path, owner=owner, shelters=shelters) as gateway:
        named = await gateway.post("{ shelter { residents { id name } } }")
        named_counts = gateway.subgraphs.counts()
        aged = await gateway.post("{ shelter { residents { name ... on Cat { age } } } }")

    residents = [{"id": "c1", "name": "Tom"}, {"id": "d1", "name": "Rex"}]
    assert named == {"data": {"shelter": {"residents": residents}}}
    assert named_counts == {"shelters": 1}
    assert aged == {
        "data": {"shelter": {"residents": [{"name": "Tom", "age": 3}, {"name": "Rex"}]}}
    }
    assert gateway.subgraphs.counts() == {"shelters": 1, "owner": 1}
