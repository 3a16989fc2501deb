"""Rule set documents written to hurt: each is refused with a located problem, never run,
and reading them never raises."""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from services.scoring.domain import rulesets

LAUGHS = "".join(
    f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]\n" for n in range(1, 9)
)  # nine to the eighth copies of one list, if anything expanded them
PLACEHOLDER_RULE = """
name: x
methodology: {weights: [{year: 2023, cohort: "*", weights: {baseline: 100}}]}
rules:
  - id: r1
    description: reaches for Python
    when: {all: [{fact: dimension_score, as: d, where: []}]}
    then: [{recommend: {text: "TEXT"}}]
"""

HOSTILE = {
    "deeply nested YAML": "rules: " + "[" * 5_000 + "]" * 5_000,
    "deeply nested JSON": '{"rules": ' + "[" * 50_000 + "]" * 50_000 + "}",
    "a billion laughs": "l0: &l0 [lol]\n" + LAUGHS + "rules: *l8\nmethodology: *l8\n",
    "a list that contains itself": "rules: &r [*r]\nmethodology: {}\n",
    "a mapping that contains itself": "&m {rules: [], methodology: *m}\n",
    "a Python object tag": "!!python/object/apply:os.system ['true']",
    "a Python name tag": "rules: !!python/name:os.system\n",
    "a huge number": "methodology: {scale: {min: 0, max: 1" + "0" * 5_000 + "}}\nrules: []\n",
    "an oversized document": "name: x\nrules: []\n#" + "x" * 300_000,
    "a placeholder to a dunder": PLACEHOLDER_RULE.replace("TEXT", "{d.__class__.__init__}"),
    "a format spec": PLACEHOLDER_RULE.replace("TEXT", "{d.score:>999999999}"),
    "a placeholder to an attribute chain": PLACEHOLDER_RULE.replace("TEXT", "{d.dimension.upper}"),
    "an unknown action": PLACEHOLDER_RULE.replace('recommend: {text: "TEXT"}', "exec: {code: x}"),
    "an unknown fact": PLACEHOLDER_RULE.replace("dimension_score", "__builtins__"),
    "an unknown operator": PLACEHOLDER_RULE.replace(
        "where: []", 'where: [{field: score, op: "__import__", value: os}]'
    ),
    "too many patterns": PLACEHOLDER_RULE.replace(
        "{all: [{fact: dimension_score, as: d, where: []}]}",
        "{all: [" + ", ".join(f"{{fact: item, as: i{n}, where: []}}" for n in range(50)) + "]}",
    ),
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_document_is_refused_with_its_problems(text):
    definition, problems = rulesets.read(text)
    assert definition is None
    assert problems and all(p.message for p in problems)


def test_the_placeholder_rule_is_valid_with_an_honest_text():
    """The hostile placeholders above are refused for what they name, not for the rest."""
    definition, problems = rulesets.read(PLACEHOLDER_RULE.replace("TEXT", "improve {d.dimension}"))
    assert problems == [] and definition is not None


VOCABULARY = ["name", "methodology", "rules", "id", "description", "when", "then", "all", "any",
              "none", "fact", "as", "where", "field", "op", "value", "weights", "year", "cohort",
              "scale", "min", "max", "grades", "grade", "flag", "recommend", "text", "code",
              "severity", "message", "dimension", "score", "item", "region", "program",
              "mark_quick_win", "set_value", "adjust", "rounding", "final", "impact", "mapping",
              "__class__", "__import__", "{d.__class__}", "*"]  # fmt: skip
SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
    | st.sampled_from(VOCABULARY) | st.text(max_size=20)
)  # fmt: skip
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=6)
        | st.dictionaries(st.sampled_from(VOCABULARY) | st.text(max_size=8), inner, max_size=6)
    ),
    max_leaves=60,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=DOCUMENTS, as_json=st.booleans())
def test_any_document_is_read_or_refused_without_raising(document, as_json):
    text = json.dumps(document) if as_json else yaml.safe_dump(document)
    definition, problems = rulesets.read(text)
    assert (definition is None) == bool(problems)
    assert all(p.path is not None and p.message for p in problems)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=400))
@example(text="?")  # a mapping whose one key is null
@example(text="1: 2\nname: x")  # keys of several types
def test_any_text_is_read_or_refused_without_raising(text):
    definition, problems = rulesets.read(text)
    assert (definition is None) == bool(problems)


def test_a_document_is_measured_with_its_aliases_resolved_before_it_is_read():
    # each level repeats the one below eight times: 8^7 tests from a couple of kilobytes
    levels = ["t0: &t0 {field: score, op: '>', value: 1}"] + [
        f"t{n}: &t{n} [" + ", ".join([f"*t{n - 1}"] * 8) + "]" for n in range(1, 8)
    ]
    text = "\n".join(levels) + "\nname: aliases\n"
    assert len(text) < 2_500

    definition, problems = rulesets.read(text)

    assert definition is None
    assert [(p.path, p.message) for p in problems] == [
        (
            "document",
            f"the document holds {_values(8)} values once its aliases are resolved; at most 100000",
        )
    ]


def _values(fan_out: int) -> int:
    """Values in `t0`-`t7` expanded, the keys and `name: aliases` included."""
    leaf = 1 + 6  # a mapping of three keys and three values
    sizes = [leaf]
    for _ in range(7):
        sizes.append(1 + fan_out * sizes[-1])
    return 1 + sum(1 + size for size in sizes) + 2
