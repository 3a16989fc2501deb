"""A rule set document is read into rules, or refused with every problem located."""

from services.scoring.domain import definitions
from services.scoring.domain.rules import Problem

WEIGHTS = [{"year": 2023, "cohort": "*", "weights": {"baseline": 50, "output": 50}}]


def read(rules, weights=WEIGHTS):
    return definitions.read({"methodology": {"weights": weights}, "rules": rules})


def rule(rule_id="r1", when=None, then=None, **extra):
    return {
        "id": rule_id,
        "description": "a rule",
        "when": when or {"all": [{"fact": "dimension_score", "as": "d", "where": []}]},
        "then": then or [{"recommend": {"text": "do better at {d.dimension}"}}],
        **extra,
    }


def test_a_valid_rule_is_read():
    definition, problems = read([rule()])
    assert problems == []
    assert [r.id for r in definition.rules] == ["r1"]


def test_every_problem_is_reported_with_its_rule_and_path():
    bad = rule(
        when={"all": [{"fact": "program", "as": "p", "where": [
            {"field": "planing_percent", "op": ">", "value": 60},
            {"field": "name", "op": "<", "value": "x"},
            {"field": "planning_percent", "op": ">", "value": "60"},
        ]}]},
        then=[{"explode": {}}, {"flag": {"code": "x", "severity": "fatal", "message": "{p.nope}"}}],
    )  # fmt: skip
    _, problems = read([bad])
    assert [(p.rule_id, p.path) for p in problems] == [
        ("r1", "rules[0].when.all[0].where[0].field"),
        ("r1", "rules[0].when.all[0].where[1].op"),
        ("r1", "rules[0].when.all[0].where[2].value"),
        ("r1", "rules[0].then[0].explode"),
        ("r1", "rules[0].then[1].flag"),
        ("r1", "rules[0].then[1].flag"),
    ]
    assert "planing_percent" in problems[0].message


def test_unknown_facts_and_aliases_are_refused():
    plain = [{"recommend": {"text": "plan better"}}]
    _, problems = read([rule(when={"all": [{"fact": "budget", "as": "b"}]}, then=plain),
                        rule("r2", then=[{"mark_quick_win": {"program": "q", "eligible": True, "reason": "r"}}])])  # fmt: skip
    assert [(p.rule_id, p.path) for p in problems] == [
        ("r1", "rules[0].when.all[0].fact"),
        ("r2", "rules[1].then[0].mark_quick_win"),
    ]


def test_weights_must_sum_to_100():
    _, problems = read(
        [rule()], weights=[{"year": 2023, "cohort": "x", "weights": {"baseline": 60, "output": 30}}]
    )
    assert problems == [
        Problem(None, "methodology.weights[0].weights", "weights sum to 90, not 100")
    ]


def test_a_rule_may_not_adjust_the_scores_it_matches():
    adjusting = rule(
        then=[{"adjust_score": {"dimension": "output", "by": 0.5, "min": 0, "max": 4}}]
    )
    _, problems = read([adjusting])
    assert [p.path for p in problems] == ["rules[0].then[0].adjust_score"]
    assert "would change what it matches" in problems[0].message


def test_references_must_name_an_earlier_alias_of_the_same_type():
    joined = rule(when={"all": [
        {"fact": "question", "as": "q", "where": []},
        {"fact": "dimension_score", "as": "d", "where": [
            {"field": "dimension", "op": "==", "ref": "q.dimension"},
            {"field": "score", "op": "<", "ref": "q.code"},
            {"field": "score", "op": "<", "ref": "x.score"},
        ]},
    ]})  # fmt: skip
    _, problems = read([joined])
    assert [p.path for p in problems] == [
        "rules[0].when.all[1].where[1].ref",
        "rules[0].when.all[1].where[2].ref",
    ]


def test_a_rule_id_is_used_once():
    _, problems = read([rule(), rule()])
    assert [(p.path, p.message) for p in problems] == [("rules[1].id", "rule id r1 is used twice")]


def test_documents_are_plain_data_yaml_tags_are_refused():
    data, problems = definitions.parse_text("!!python/object/apply:os.system ['true']")
    assert data is None and "not valid YAML or JSON" in problems[0].message
