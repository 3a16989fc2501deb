"""The supergraph in the standard join-spec form: the suite's own composition held to a
standard composer's, printed and read back, and served from a file that is read again when
it changes."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

from graphql import lexicographic_sort_schema, print_schema

from services.gateway.composition.composer import compose
from services.gateway.composition.join_print import print_supergraph
from services.gateway.composition.join_read import load_supergraph
from services.gateway.composition.subgraph_schema import read_subgraph
from services.gateway.composition.supergraph import Supergraph
from services.registry import SERVICES
from tests.gateway.subgraphs import SCHEMAS, asgi_apps
from tests.gateway.support import gateway_over, settings

APOLLO = Path(__file__).parent / "fixtures" / "suite.apollo-supergraph.graphql"


def suite_supergraph() -> Supergraph:
    subgraphs = []
    for name in ("catalog", "survey", "scoring"):
        schema = SERVICES[name].schema
        assert schema is not None
        sdl = schema().execute_sync("{ _service { sdl } }").data["_service"]["sdl"]
        subgraphs.append(read_subgraph(name, f"http://{name}/graphql", sdl))
    return compose(subgraphs)


def described(supergraph: Supergraph) -> dict[str, object]:
    """What a plan is made of: the API, where each field resolves, the keys, the costs."""
    return {
        "api": print_schema(lexicographic_sort_schema(supergraph.api_schema)),
        "resolvers": {place: sorted(graphs) for place, graphs in supergraph.resolvers.items()},
        "keys": {
            name: sorted((k.subgraph, k.key.text) for k in keys)
            for name, keys in supergraph.entity_keys.items()
        },
        "costs": supergraph.field_costs,
    }


def test_the_suites_composition_says_what_a_standard_composers_supergraph_says() -> None:
    reference = load_supergraph(APOLLO.read_text())

    assert described(suite_supergraph()) == described(reference)


def test_a_printed_supergraph_reads_back_as_the_same_supergraph() -> None:
    composed = suite_supergraph()

    printed = print_supergraph(composed)

    assert described(load_supergraph(printed)) == described(composed)
    assert set(load_supergraph(printed).subgraphs) == {"catalog", "survey", "scoring"}


def _printed(names: tuple[str, ...]) -> str:
    subgraphs = []
    for name in names:
        sdl = SCHEMAS[name].execute_sync("{ _service { sdl } }").data["_service"]["sdl"]
        subgraphs.append(read_subgraph(name, f"http://{name}/graphql", sdl))
    return print_supergraph(compose(subgraphs))


async def test_the_gateway_serves_a_supergraph_file_and_reads_it_again_when_it_changes(
    tmp_path: Path,
) -> None:
    file = tmp_path / "supergraph.graphql"
    file.write_text(_printed(("places", "surveys")))
    config = dataclasses.replace(settings(tmp_path), supergraph=str(file))

    async with gateway_over(asgi_apps(), config) as gateway:
        before = await gateway.post('{ region(code: "R001") { name campaigns { id } } }')
        file.write_text(_printed(("places", "surveys", "scores")))
        for _ in range(50):  # looked at every second
            after = await gateway.post('{ region(code: "R001") { name latestScore { value } } }')
            if "errors" not in after:
                break
            await asyncio.sleep(0.2)

    assert before["data"]["region"]["name"] == "Region 1"
    assert "campaigns" in before["data"]["region"]
    assert after["data"]["region"]["latestScore"] is not None


def test_interface_objects_overrides_and_hidden_arguments_survive_printing() -> None:
    link = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: '
        '["@key", "@interfaceObject", "@override", "@inaccessible", "@requires", "@external"]) '
    )
    accounts = read_subgraph(
        "accounts",
        "http://accounts/graphql",
        link + 'interface Account @key(fields: "id") { id: ID! } '
        'type Admin implements Account @key(fields: "id") { id: ID! level: Int } '
        'type Region @key(fields: "code name") { code: ID! name: String } '
        "type Query { accounts(first: Int @inaccessible): [Account] regions: [Region] }",
    )
    names = read_subgraph(
        "names",
        "http://names/graphql",
        link + 'type Account @key(fields: "id") @interfaceObject { id: ID! name: String '
        'nick: String @external shout: String @requires(fields: "nick") } '
        'type Region @key(fields: "code") { code: ID! name: String @override(from: "accounts") }',
    )
    nicks = read_subgraph(
        "nicks",
        "http://nicks/graphql",
        link + 'type Account @key(fields: "id") @interfaceObject { id: ID! '
        'nick: String @override(from: "names") }',
    )
    composed = compose([accounts, names, nicks])

    printed = print_supergraph(composed)
    read_back = load_supergraph(printed)

    assert described(read_back) == described(composed)
    assert "isInterfaceObject: true" in printed
    assert "@join__field(graph: ACCOUNTS, usedOverridden: true)" in printed
    assert read_back.resolvers[("Region", "name")] == ("names",)
    assert "accounts(first: Int @inaccessible)" in printed
    assert "first" not in str(read_back.api_schema.query_type.fields["accounts"].args)  # type: ignore[union-attr]
    assert read_back.resolvable_in("Admin", "name", "names")
