"""Measuring an operation: each fragment once, lists multiplied by their page size."""

from __future__ import annotations

import pytest
from graphql import OperationDefinitionNode, build_schema, parse

from services.kernel.field_costs import FieldCost, declared_costs
from services.kernel.query_limits import Breach, QueryLimits, breaches, measure

SDL = """
type Query {
  regions(first: Int! = 100): [Region!]! @listSize(slicingArguments: ["first"])
  cycle: Cycle
}
type Cycle { regions: [Region!]! @listSize(assumedSize: 514) }
type Region { code: String! programs(first: Int! = 10): [Program!]! @listSize(slicingArguments: ["first"]) @cost(weight: 20) tags: [Tag!]! }
type Program { id: ID! region: Region }
type Tag { name: String! }
directive @listSize(assumedSize: Int, slicingArguments: [String!]) on FIELD_DEFINITION
directive @cost(weight: Int!) on FIELD_DEFINITION
"""
SCHEMA = build_schema(SDL)
SIZES = declared_costs(parse(SDL))


def measured(query: str, **variables: object):
    document = parse(query)
    [operation] = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return measure(document, operation, schema=SCHEMA, costs=SIZES, variables=variables)


def test_costs_and_list_sizes_are_read_from_the_schema_document() -> None:
    assert {
        ("Query", "regions"): FieldCost(slicing_arguments=("first",)),
        ("Cycle", "regions"): FieldCost(assumed_size=514),
        ("Region", "programs"): FieldCost(weight=20, slicing_arguments=("first",)),
    } == SIZES


@pytest.mark.parametrize(
    ("query", "cost"),
    [
        ("{ regions(first: 5) { code } }", 5),
        ("{ regions { code } }", 100),  # the argument's default
        ("{ cycle { regions { code } } }", 1 + 514),
        ("{ regions(first: 2) { programs(first: 3) { id } } }", 2 * (1 + 20 + 3)),
        ("{ regions(first: 2) { tags { name } } }", 2 * (1 + 20)),  # no @listSize: 20
        ("{ regions(first: 2) { programs { region { code } } } }", 2 * (1 + 20 + 10 * (1 + 1))),
    ],
)
def test_each_list_multiplies_what_its_items_cost(query: str, cost: int) -> None:
    assert measured(query).cost == cost


def test_a_page_size_can_come_from_a_variable() -> None:
    found = measured("query($n: Int!) { regions(first: $n) { code } }", n=7)

    assert found.cost == 7


@pytest.mark.parametrize(
    ("query", "variables", "cost"),
    [
        ("query($n: Int) { regions(first: $n) { code } }", {}, 100),  # left out: the default
        ("query($n: Int) { regions(first: $n) { code } }", {"n": None}, 100),
        ("query($n: Int = 40) { regions(first: $n) { code } }", {}, 40),  # the variable's own
        ("query($n: Int) { regions(first: $n) { code } }", {"n": 500.0}, 500),  # a whole float
        ("{ regions(first: null) { code } }", {}, 100),
    ],
    ids=["left out", "null", "variable default", "whole float", "null literal"],
)
def test_a_page_size_not_given_is_priced_at_what_the_subgraph_serves(query, variables, cost):
    assert measured(query, **variables).cost == cost


def test_a_fragment_spread_a_trillion_times_over_is_measured_without_expanding_it() -> None:
    fragments = ["fragment F0 on Query { regions(first: 1) { code } }"] + [
        f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 61)
    ]
    found = measured("{ ...F60 } " + " ".join(fragments))

    assert (found.fields, found.own_fields, found.cost, found.depth) == (2**61, 2**60, 2**60, 2)


def test_fields_repeated_under_one_name_are_counted_as_pairs_to_compare() -> None:
    assert measured("{ regions { code } }").overlaps == 0
    assert measured("{ regions { code code code } }").overlaps == 3
    # two `regions` of three fields each (itself and two `code`): one pair weighing 3 x 3,
    # then `code` twice inside each
    assert measured("{ regions { code code } regions { code code } }").overlaps == 9 + 1 + 1


def test_every_limit_exceeded_is_named() -> None:
    found = measured("{ a: regions { code } b: regions { code } }")
    limits = QueryLimits(max_depth=1, max_aliases=1, max_root_fields=1, max_fields=3,
                         max_cost=199, max_overlaps=3)  # fmt: skip

    assert breaches(found, limits) == (
        Breach("depth", 2, 1),
        Breach("aliases", 2, 1),
        Breach("rootFields", 2, 1),
        Breach("fields", 4, 3),
        Breach("cost", 200, 199),
    )
    assert breaches(None, limits) == (Breach("depth", None, 1),)
