"""Composition: subgraph SDLs in, a supergraph or every conflict named out."""

from __future__ import annotations

import pytest
from graphql import print_schema

from services.catalog.schema import schema as catalog
from services.gateway.composition.composer import CompositionError, compose
from services.gateway.composition.subgraph_schema import read_subgraph
from services.scoring.schema import schema as scoring
from services.survey.schema import schema as survey

LINK = '@link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@override"])'


def subgraph(name: str, body: str):  # type: ignore[no-untyped-def]
    return read_subgraph(name, f"http://{name}/graphql", f"extend schema {LINK}\n{body}")


def problems(*subgraphs) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(CompositionError) as caught:
        compose(list(subgraphs))
    return [str(p) for p in caught.value.problems]


def test_the_three_services_compose_into_the_contract() -> None:
    sdls = {
        name: schema.execute_sync("{ _service { sdl } }").data["_service"]["sdl"]  # type: ignore[index]
        for name, schema in (("catalog", catalog), ("survey", survey), ("scoring", scoring))
    }
    supergraph = compose([read_subgraph(name, None, sdl) for name, sdl in sdls.items()])

    query = supergraph.api_schema.query_type
    mutation = supergraph.api_schema.mutation_type
    assert query is not None and mutation is not None
    for name in (
        "regions",
        "region",
        "program",
        "evaluationCycles",
        "instrument",
        "campaign",
        "scorecard",
        "ranking",
        "ruleSets",
        "ruleSet",
    ):
        assert name in query.fields, name
    for name in (
        "createRegion",
        "addProgram",
        "submitResponse",
        "scoreAnswer",
        "draftRuleSet",
        "activateRuleSet",
        "rescore",
    ):
        assert name in mutation.fields, name
    region = supergraph.api_schema.get_type("Region")
    assert {"code", "name", "campaigns", "surveyIndices", "scorecards", "latestScorecard"} <= set(
        region.fields
    )  # type: ignore[union-attr]
    assert supergraph.resolvers[("Region", "latestScorecard")] == ("scoring",)
    assert supergraph.resolvers[("Region", "code")] == ("catalog", "survey", "scoring")
    assert {k.subgraph for k in supergraph.entity_keys["Region"]} == {
        "catalog",
        "survey",
        "scoring",
    }


def test_a_value_type_defined_twice_without_shareable_is_refused_naming_both() -> None:
    a = subgraph(
        "survey", "type Problem { field: String! message: String! } type Query { a: Problem }"
    )
    b = subgraph(
        "scoring", "type Problem { path: String! message: String! } type Query { b: Problem }"
    )

    assert problems(a, b) == [
        "[INVALID_FIELD_SHARING] field Problem.message is resolved by scoring, survey but is not @shareable in scoring, survey",
    ]


def test_a_value_type_whose_fields_differ_cannot_answer_every_query() -> None:
    a = subgraph(
        "survey",
        "type Problem @shareable { field: String! message: String! } type Query { a: Problem }",
    )
    b = subgraph(
        "scoring",
        "type Problem @shareable { path: String! message: String! } type Query { b: Problem }",
    )

    assert problems(a, b) == [
        "[SATISFIABILITY_ERROR] the query { b { field } } cannot be answered: a plan reaches Problem in subgraph scoring, where Problem.field is not resolved, nor in any subgraph a key leads to",
        "[SATISFIABILITY_ERROR] the query { a { path } } cannot be answered: a plan reaches Problem in subgraph survey, where Problem.path is not resolved, nor in any subgraph a key leads to",
    ]


def test_shareable_fields_and_key_fields_may_be_resolved_by_several_subgraphs() -> None:
    a = subgraph(
        "a",
        'type Region @key(fields: "code") { code: String! name: String! @shareable } type Query { regions: [Region!]! }',
    )
    b = subgraph(
        "b",
        'type Region @key(fields: "code") { code: String! name: String! @shareable score: Float }',
    )

    supergraph = compose([a, b])

    assert supergraph.resolvers[("Region", "name")] == ("a", "b")
    assert supergraph.resolvers[("Region", "score")] == ("b",)


def test_type_and_kind_conflicts_name_the_field_and_subgraphs() -> None:
    a = subgraph(
        "a",
        'type Region @key(fields: "code") { code: String! size: Int @shareable } type Query { r: Region } enum Level { LOW }',
    )
    b = subgraph(
        "b",
        'type Region @key(fields: "code") { code: String! size: [Int] @shareable } input Level { x: Int }',
    )

    assert problems(a, b) == [
        "[TYPE_KIND_MISMATCH] type Level is defined as enum in a; input in b",
        "[FIELD_TYPE_MISMATCH] field Region.size has different types: Int in a; [Int] in b",
    ]


def test_nullability_merges_to_the_weaker_output_and_the_stronger_input() -> None:
    a = subgraph(
        "a",
        'type Region @key(fields: "code") { code: String! name: String! @shareable } type Query { r(code: String): Region }',
    )
    b = subgraph(
        "b",
        'type Region @key(fields: "code") { code: String! name: String @shareable } type Query { s(code: String!): Region }',
    )

    printed = print_schema(compose([a, b]).api_schema)

    assert "name: String\n" in printed
    assert "r(code: String): Region" in printed


def test_enums_unite_as_outputs_intersect_as_inputs_and_must_match_when_both() -> None:
    out_a = subgraph("a", "enum Level { LOW MID } type Query { a: Level }")
    out_b = subgraph("b", "enum Level { LOW HIGH } type Query { b: Level }")
    in_a = subgraph("a", "enum Level { LOW MID } type Query { a(l: Level): Int }")
    in_b = subgraph("b", "enum Level { LOW HIGH } type Query { b(l: Level): Int }")
    both_b = subgraph("b", "enum Level { LOW HIGH } type Query { b(l: Level): Int }")

    def values(*subgraphs) -> list[str]:  # type: ignore[no-untyped-def]
        return list(compose(list(subgraphs)).api_schema.get_type("Level").values)  # type: ignore[union-attr]

    assert values(out_a, out_b) == ["LOW", "MID", "HIGH"]
    assert values(in_a, in_b) == ["LOW"]
    assert problems(out_a, both_b) == [
        "[ENUM_VALUE_MISMATCH] enum Level is used for input and output, so its values must be the same in every subgraph: MID is missing in b",
        "[ENUM_VALUE_MISMATCH] enum Level is used for input and output, so its values must be the same in every subgraph: HIGH is missing in a",
    ]


def test_input_types_keep_the_common_fields_and_refuse_a_required_one_missing() -> None:
    a = subgraph("a", "input Filter { name: String year: Int } type Query { a(f: Filter): Int }")
    b = subgraph("b", "input Filter { name: String } type Query { b(f: Filter): Int }")
    c = subgraph("c", "input Filter { name: String year: Int! } type Query { c(f: Filter): Int }")

    assert list(compose([a, b]).api_schema.get_type("Filter").fields) == ["name"]  # type: ignore[union-attr]
    assert problems(b, c) == [
        "[REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH] input field Filter.year is required in c but missing in b"
    ]


def test_external_requires_and_provides_are_checked() -> None:
    base = subgraph(
        "base",
        'type Region @key(fields: "code") { code: String! population: Int! } type Query { r: Region }',
    )
    requires_unknown = subgraph(
        "s",
        'type Region @key(fields: "code") { code: String! density: Float @requires(fields: "area") }',
    )
    requires_local = subgraph(
        "s",
        'type Region @key(fields: "code") { code: String! area: Int density: Float @requires(fields: "area") }',
    )
    external_nowhere = subgraph(
        "s",
        'type Region @key(fields: "code") { code: String! budget: Int @external x: Int @requires(fields: "budget") }',
    )
    unused_external = subgraph(
        "s", 'type Region @key(fields: "code") { code: String! population: Int! @external }'
    )
    bad_key = subgraph("s", 'type Region @key(fields: "id") { code: String! }')

    assert problems(base, requires_unknown) == [
        "[REQUIRES_INVALID_FIELDS] @requires on Region.density in subgraph s names Region.area, which that subgraph does not define"
    ]
    assert problems(base, requires_local) == [
        "[REQUIRES_FIELDS_MISSING_EXTERNAL] @requires on Region.density in subgraph s names Region.area, which that subgraph resolves itself (it is not @external there)"
    ]
    assert problems(base, external_nowhere) == [
        "[EXTERNAL_MISSING_ON_BASE] field Region.budget is @external in s but no subgraph resolves it"
    ]
    assert problems(base, unused_external) == [
        "[EXTERNAL_UNUSED] field Region.population is @external in subgraph s but no key, @requires or @provides uses it, nor does an interface"
    ]
    assert problems(base, bad_key) == [
        '[KEY_INVALID_FIELDS] @key(fields: "id") on Region in subgraph s names Region.id, which that subgraph does not define',
        "[INVALID_FIELD_SHARING] field Region.code is resolved by base, s but is not @shareable in s",
    ]


def test_inaccessible_parts_leave_the_api_schema_but_not_the_plan() -> None:
    a = subgraph(
        "a",
        'type Region @key(fields: "code") { code: String! rank: Int @inaccessible } type Secret @inaccessible { x: Int } type Query { r: Region s: Secret @inaccessible }',
    )
    leaking = subgraph("a", "type Secret @inaccessible { x: Int } type Query { s: Secret }")

    supergraph = compose([a])

    assert "rank" not in supergraph.api_schema.get_type("Region").fields  # type: ignore[union-attr]
    assert supergraph.api_schema.get_type("Secret") is None
    assert supergraph.resolvers[("Region", "rank")] == ("a",)
    assert problems(leaking) == [
        "[REFERENCED_INACCESSIBLE] field Query.s is visible but refers to type Secret, which is @inaccessible"
    ]


def test_override_moves_a_field_to_the_overriding_subgraph() -> None:
    a = subgraph(
        "a",
        'type Region @key(fields: "code") { code: String! score: Float } type Query { r: Region }',
    )
    b = subgraph(
        "b", 'type Region @key(fields: "code") { code: String! score: Float @override(from: "a") }'
    )

    assert compose([a, b]).resolvers[("Region", "score")] == ("b",)


def test_an_unreachable_field_is_refused() -> None:
    a = subgraph(
        "a",
        'type Region @key(fields: "code", resolvable: false) { code: String! } type Query { r: Region }',
    )
    b = subgraph(
        "b", 'type Region @key(fields: "code", resolvable: false) { code: String! score: Float }'
    )

    assert problems(a, b) == [
        "[SATISFIABILITY_ERROR] the query { r { score } } cannot be answered: a plan reaches Region in subgraph a, where Region.score is not resolved, nor in any subgraph a key leads to"
    ]


def test_federation_directives_are_read_under_their_imported_names() -> None:
    renamed = read_subgraph(
        "a",
        None,
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: [{name: "@key", as: "@id"}, "@shareable"])\n'
        'type Region @id(fields: "code") { code: String! name: String @federation__inaccessible } type Query { r: Region }',
    )

    assert [k.text for k in renamed.types["Region"].keys] == ["code"]
    assert renamed.types["Region"].fields["name"].inaccessible


def test_an_interface_object_adds_its_fields_to_every_implementation() -> None:
    owner = subgraph(
        "accounts",
        'interface Account @key(fields: "id") { id: ID! } '
        'type Admin implements Account @key(fields: "id") { id: ID! level: Int } '
        "type Query { accounts: [Account] }",
    )
    stand_in = read_subgraph(
        "names",
        None,
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
        'import: ["@key", "@interfaceObject"]) '
        'type Account @key(fields: "id") @interfaceObject { id: ID! name: String }',
    )

    supergraph = compose([owner, stand_in])

    admin = supergraph.api_schema.get_type("Admin")
    assert "name" in admin.fields  # type: ignore[union-attr]
    assert supergraph.resolvers[("Account", "name")] == ("names",)
    assert supergraph.resolvable_in("Admin", "name", "names")
    assert [(h.subgraph, h.as_type) for h in supergraph.homes("Admin")] == [
        ("accounts", "Admin"),
        ("names", "Account"),
    ]


def test_a_federation_1_extension_resolves_its_external_key_fields() -> None:
    base = read_subgraph(
        "a",
        None,
        'type Product @key(fields: "id") { id: ID! name: String } type Query { p: Product }',
    )
    extension = read_subgraph(
        "b",
        None,
        'extend type Product @key(fields: "id") { id: ID! @external price: Float } '
        "extend type Query { q: Product }",
    )

    supergraph = compose([base, extension])

    assert supergraph.resolvers[("Product", "id")] == ("a", "b")
    assert supergraph.resolvers[("Product", "price")] == ("b",)


def test_an_output_field_takes_the_most_general_type_of_its_subgraphs() -> None:
    a = subgraph(
        "a",
        "type Book @shareable { title: String } union Media = Book "
        "type Query { item: Book @shareable }",
    )
    b = subgraph(
        "b",
        "type Book @shareable { title: String } type Song { length: Int } union Media = Book | Song "
        "type Query { item: Media @shareable }",
    )

    supergraph = compose([a, b])

    assert str(supergraph.api_schema.query_type.fields["item"].type) == "Media"  # type: ignore[union-attr]
    assert problems(
        a, subgraph("b", "type Song { length: Int } type Query { item: Song @shareable }")
    ) == ["[FIELD_TYPE_MISMATCH] field Query.item has different types: Book in a; Song in b"]


def test_a_key_gathered_through_a_third_subgraph_makes_a_field_reachable() -> None:
    products = subgraph(
        "products", 'type Product @key(fields: "id") { id: ID! } type Query { products: [Product] }'
    )
    skus = subgraph("skus", 'type Product @key(fields: "id") { id: ID! sku: String! @shareable }')
    prices = subgraph(
        "prices", 'type Product @key(fields: "sku") { sku: String! @shareable price: Float }'
    )

    supergraph = compose([products, skus, prices])

    assert supergraph.resolvers[("Product", "price")] == ("prices",)


def test_requires_and_provides_may_reach_external_fields_through_local_ones() -> None:
    authors = subgraph(
        "authors",
        'type Author @key(fields: "id") { id: ID! years: Int! } type Query { a: Author }',
    )
    posts = subgraph(
        "posts",
        'type Post @key(fields: "id") { id: ID! author: Author! '
        'expert: Boolean! @requires(fields: "author { years }") } '
        'type Author @key(fields: "id") { id: ID! years: Int! @external } '
        "type Query { posts: [Post] }",
    )

    supergraph = compose([authors, posts])

    assert supergraph.resolvers[("Post", "expert")] == ("posts",)


def test_an_enum_used_both_ways_may_differ_by_inaccessible_values() -> None:
    a = subgraph("a", "enum Kind { REGULAR } type Query { a(k: Kind): Kind }")
    b = subgraph("b", "enum Kind { REGULAR ANONYMOUS @inaccessible } type Query { b: Kind }")

    supergraph = compose([a, b])

    assert list(supergraph.api_schema.get_type("Kind").values) == ["REGULAR"]  # type: ignore[union-attr]
    assert list(supergraph.schema.get_type("Kind").values) == ["REGULAR", "ANONYMOUS"]  # type: ignore[union-attr]
