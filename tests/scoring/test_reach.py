"""The rules are given only the facts they may match, and fire exactly as on all the facts."""

import random

import pytest

from services.scoring.domain import definitions
from services.scoring.domain.facts import KIND
from services.scoring.domain.reach import Reach
from services.scoring.engine import compiler
from services.scoring.engine.pool import RulesEngine

WEIGHTS = [{"year": "*", "cohort": "*", "weights": {"baseline": 100}}]


def read(*rules):
    definition, problems = definitions.read(
        {"methodology": {"weights": WEIGHTS}, "rules": list(rules)}
    )
    assert problems == []
    return definition.rules


def flag_rule(rule_id, when):
    return {"id": rule_id, "description": rule_id, "when": when,
            "then": [{"flag": {"code": rule_id, "severity": "info", "message": "m"}}]}  # fmt: skip


def program(n, **fields):
    return {KIND: "program", "program_id": f"p{n}", **fields}


QUICK_WINS = flag_rule("quick-wins", {"all": [{"fact": "program", "as": "p", "where": [
    {"field": "quick_win_proposed", "value": True},
    {"field": "planning_percent_on_oct_31", "op": "<", "value": 60}]}]})  # fmt: skip


def test_facts_of_kinds_no_pattern_names_and_facts_a_pattern_refuses_are_left_out():
    session = [
        {KIND: "region", "code": "35.07"},
        program(1, quick_win_proposed=True, planning_percent_on_oct_31=40.0),
        program(2, quick_win_proposed=False, planning_percent_on_oct_31=40.0),
        program(3, quick_win_proposed=True, planning_percent_on_oct_31=90.0),
        program(4, planning_percent_on_oct_31=10.0),  # lacks a tested field: undecided
    ]

    kept = Reach(read(QUICK_WINS))(session)

    assert [f.get("program_id") for f in kept] == ["p1", "p4"]


def test_a_test_against_another_fact_or_of_another_type_is_left_to_the_engine():
    joined = flag_rule("join", {"all": [
        {"fact": "dimension_score", "as": "d", "where": [{"field": "score", "op": "<", "value": 2}]},
        {"fact": "question", "as": "q", "where": [{"field": "score", "op": "<", "ref": "d.score"}]},
    ]})  # fmt: skip
    session = [
        {KIND: "dimension_score", "dimension": "output", "score": 3.0},
        {KIND: "dimension_score", "dimension": "outcome", "score": "1.0"},
        {KIND: "question", "code": "B.1", "score": 4.0},
    ]

    kept = Reach(read(joined))(session)

    assert kept == session[1:]


def test_none_refuses_what_any_of_its_tests_accepts():
    rule = flag_rule("not-built", {"all": [{"fact": "program", "as": "p", "where": [
        {"none": [{"field": "phase", "value": "build"},
                  {"field": "planning_percent", "op": ">", "value": 90}]}]}]})  # fmt: skip
    session = [
        program(1, phase="build", planning_percent=10.0),
        program(2, phase="planning", planning_percent=95.0),
        program(3, phase="planning", planning_percent=50.0),
        program(4, planning_percent=50.0),
    ]

    kept = Reach(read(rule))(session)

    assert [f["program_id"] for f in kept] == ["p3", "p4"]


NUMBERS = ["planning_percent", "implementation_percent", "start_year"]
TEXTS = {"phase": ["planning", "build", "done"], "dimension": ["output", "outcome"]}


def random_test(rng, depth=0):
    if depth < 2 and rng.random() < 0.25:
        mode = rng.choice(["all", "any", "none"])
        return {mode: [random_test(rng, depth + 1) for _ in range(rng.randint(1, 3))]}
    if rng.random() < 0.2:
        return {"field": "quick_win_proposed", "op": rng.choice(["==", "!="]),
                "value": rng.random() < 0.5}  # fmt: skip
    if rng.random() < 0.35:
        field = rng.choice(list(TEXTS))
        return {"field": field, "op": rng.choice(["==", "!="]), "value": rng.choice(TEXTS[field])}
    op = rng.choice(["==", "!=", "<", "<=", ">", ">="])
    return {"field": rng.choice(NUMBERS), "op": op, "value": rng.choice([0, 25, 50, 50.5, 100])}


def random_rule(rng, n):
    first = {"fact": "program", "as": "p", "where": [random_test(rng) for _ in range(2)]}
    if rng.random() < 0.3:  # a join of two programs on a field
        second = {"fact": "program", "as": "o", "where": [
            {"field": "phase", "ref": "p.phase"}, random_test(rng)]}  # fmt: skip
        return flag_rule(f"rule-{n}", {"all": [first, second]})
    return flag_rule(f"rule-{n}", {rng.choice(["all", "any"]): [first]})


def random_program(rng, n):
    fields = {
        "planning_percent": rng.choice([0, 25, 50, 50.5, 75, 100]),
        "implementation_percent": float(rng.randint(0, 100)),
        "start_year": rng.choice([2019, 2023]),
        "phase": rng.choice(TEXTS["phase"]),
        "dimension": rng.choice(TEXTS["dimension"]),
        "quick_win_proposed": rng.random() < 0.5,
    }
    return program(n, **{k: v for k, v in fields.items() if rng.random() < 0.95})


@pytest.fixture
async def engine():
    running = RulesEngine(workers=1, timeout_seconds=10, memory_mb=300)
    yield running
    running.close()


@pytest.mark.parametrize(
    "seed", [1, 2, 5, 7, 8, 9, 12]
)  # rule sets that fire and leave some facts out  # rule sets that leave some facts out
async def test_random_rules_fire_the_same_on_the_facts_within_reach_as_on_all(engine, seed):
    rng = random.Random(seed)
    rules = read(*(random_rule(rng, n) for n in range(3)))
    ruleset = compiler.compile_rules(rules)
    sessions = [[random_program(rng, n) for n in range(rng.randint(1, 12))] for _ in range(30)]
    reached = [Reach(rules)(session) for session in sessions]

    on_all = await engine.evaluate(f"all-{seed}", ruleset, sessions)
    on_reached = await engine.evaluate(f"reached-{seed}", ruleset, reached)

    def fired(outcome):
        return sorted((name, sorted((a, f["program_id"]) for a, f in m.items()))
                      for name, m in outcome)  # fmt: skip

    assert [fired(o) for o in on_reached] == [fired(o) for o in on_all]
    assert sum(map(len, reached)) < sum(map(len, sessions))  # the filter left some out
    assert sum(len(o) for o in on_all) > 0  # and the rules fired
