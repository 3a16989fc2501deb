"""Rules run in durable_rules worker processes: what fires, on which facts, and runaway rules."""

import pytest

from services.scoring.domain import definitions
from services.scoring.domain.facts import KIND
from services.scoring.engine import compiler
from services.scoring.engine.pool import Failed, RulesEngine

WEIGHTS = [{"year": "*", "cohort": "*", "weights": {"baseline": 100}}]


def compiled(*rules):
    definition, problems = definitions.read(
        {"methodology": {"weights": WEIGHTS}, "rules": list(rules)}
    )
    assert problems == []
    return compiler.compile_rules(definition.rules)


def flag_rule(rule_id, when):
    return {"id": rule_id, "description": rule_id, "when": when,
            "then": [{"flag": {"code": rule_id, "severity": "info", "message": "m"}}]}  # fmt: skip


@pytest.fixture
async def engine():
    running = RulesEngine(workers=1, timeout_seconds=3, memory_mb=200)
    yield running
    running.close()


PROGRAMS = [
    {KIND: "program", "program_id": "p1", "planning_percent": 70.0, "phase": "planning"},
    {KIND: "program", "program_id": "p2", "planning_percent": 30.0, "phase": "build"},
    {KIND: "region", "code": "12.07"},
]


async def test_comparisons_groups_and_ranges_select_the_right_facts(engine):
    ruleset = compiled(
        flag_rule("ready", {"all": [{"fact": "program", "as": "p", "where": [
            {"field": "planning_percent", "op": ">=", "value": 60}]}]}),
        flag_rule("not-planning", {"all": [{"fact": "program", "as": "p", "where": [
            {"none": [{"field": "phase", "value": "planning"}]}]}]}),
        flag_rule("either", {"all": [{"fact": "program", "as": "p", "where": [
            {"any": [{"field": "program_id", "value": "p1"}, {"field": "planning_percent", "between": [20, 40]}]}]}]}),
    )  # fmt: skip
    [fired] = await engine.evaluate("t1", ruleset, [PROGRAMS])
    assert sorted((name, m["p"]["program_id"]) for name, m in fired) == [
        ("r0", "p1"), ("r1", "p2"), ("r2", "p1"), ("r2", "p2"),
    ]  # fmt: skip


async def test_a_region_field_named_kind_is_matched_like_any_other(engine):
    ruleset = compiled(flag_rule("cities", {"all": [{"fact": "region", "as": "r", "where": [
        {"field": "kind", "value": "kota"}]}]}))  # fmt: skip
    city = [{KIND: "region", "code": "35.78", "kind": "kota"}]
    regency = [{KIND: "region", "code": "35.07", "kind": "kabupaten"}]
    fired_for_city, fired_for_regency = await engine.evaluate("t-kind", ruleset, [city, regency])
    assert [(name, m["r"]["code"]) for name, m in fired_for_city] == [("r0", "35.78")]
    assert fired_for_regency == []


async def test_patterns_join_on_a_referenced_field(engine):
    ruleset = compiled(
        flag_rule("weak-question-in-weak-dimension", {"all": [
            {"fact": "dimension_score", "as": "d", "where": [{"field": "score", "op": "<", "value": 2}]},
            {"fact": "question", "as": "q", "where": [
                {"field": "dimension", "ref": "d.dimension"}, {"field": "score", "op": "<", "ref": "d.score"}]},
        ]}),
    )  # fmt: skip
    facts = [
        {KIND: "dimension_score", "dimension": "output", "score": 1.5},
        {KIND: "dimension_score", "dimension": "outcome", "score": 3.0},
        {KIND: "question", "code": "B.1", "dimension": "output", "score": 1.0},
        {KIND: "question", "code": "B.2", "dimension": "output", "score": 2.0},
        {KIND: "question", "code": "C.1", "dimension": "outcome", "score": 1.0},
    ]
    [fired] = await engine.evaluate("t2", ruleset, [facts])
    assert [(m["d"]["dimension"], m["q"]["code"]) for _, m in fired] == [("output", "B.1")]


async def test_each_evaluation_has_its_own_session(engine):
    ruleset = compiled(flag_rule("any-region", {"all": [{"fact": "region", "as": "r"}]}))
    outcomes = await engine.evaluate(
        "t3", ruleset, [[{KIND: "region", "code": str(n)}] for n in range(40)]
    )
    assert [m["r"]["code"] for [(_, m)] in outcomes] == [str(n) for n in range(40)]


async def test_a_runaway_rule_is_stopped_and_reported_and_the_others_are_evaluated(engine):
    # validation lets program x program pass (200 programs a region at most, it assumes);
    # a region with 600 programs makes it 360,000 matches, past the worker's time or memory
    ruleset = compiled(
        flag_rule("cross-product", {"all": [{"fact": "program", "as": f"p{i}"} for i in range(2)]}),
        flag_rule("any-region", {"all": [{"fact": "region", "as": "r"}]}),
    )
    explosive = [{KIND: "program", "program_id": str(n)} for n in range(600)]
    small = [{KIND: "region", "code": "12.07"}]
    outcomes = await engine.evaluate("t4", ruleset, [small, explosive, small])
    assert isinstance(outcomes[1], Failed) and "stopped" in outcomes[1].reason
    assert [len(outcomes[0]), len(outcomes[2])] == [1, 1]
    [after] = await engine.evaluate("t4", ruleset, [small])
    assert len(after) == 1


def _questions(count: int) -> list[dict]:
    return [{KIND: "question", "code": f"Q{n}", "dimension": "output", "score": 1.0}
            for n in range(count)]  # fmt: skip


@pytest.mark.timeout(90)
async def test_a_runaway_region_fails_alone_whatever_the_batches_and_workers():
    pairs = compiled(flag_rule("pairs", {"all": [
        {"fact": "question", "as": "a", "where": []}, {"fact": "question", "as": "b", "where": []},
    ]}))  # fmt: skip
    # an innocent region's 60 x 59 pairs take some 0.15 s, the runaway's 500 x 499 some 6.5 s:
    # each is thirteen times, or three, from the timeout, however busy the machine is
    engine = RulesEngine(workers=2, timeout_seconds=2.0, batch=2)
    innocent = [{KIND: "region", "code": "12.07"}, *_questions(60)]
    runaway = [{KIND: "region", "code": "99.99"}, *_questions(500)]
    sessions = ([innocent] * 5 + [runaway]) * 4 + [innocent] * 6
    try:
        outcomes = await engine.evaluate("runaway", pairs, sessions)
    finally:
        engine.close()

    failed = [n for n, outcome in enumerate(outcomes) if isinstance(outcome, Failed)]
    assert failed == [5, 11, 17, 23]
    assert {len(outcomes[n]) for n in range(30) if n not in failed} == {60 * 59}
