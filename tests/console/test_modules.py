"""The console's own modules, imported in the browser from the gateway that serves them: the
line diff, the highlighter the editor lays under its text, the role checks and the rescoring
follower."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from services.kernel.auth import Role
from tests.console.conftest import Console, token

DEFAULT = (Path(__file__).parents[2] / "services/scoring/rulesets/default.yaml").read_text()


def run(console: Console, module: str, body: str, *arguments: Any) -> Any:
    """`body` is a function of the module and the arguments, run in the console's page."""
    if not console.page.url.startswith(console.address):
        console.open("/signin")
    script = f"""async (arguments) => {{
        const module = await import("/console/js/{module}");
        return await ({body})(module, ...arguments);
    }}"""
    return console.page.evaluate(script, list(arguments))


def diff(console: Console, before: str, after: str) -> list[dict[str, Any]]:
    return run(console, "line_diff.js", "(m, a, b) => m.lineDiff(a, b)", before, after)


def test_the_diff_keeps_every_line_of_both_documents_in_order(console: Console):
    rng = random.Random(7)
    words = ["rules:", "- id: a", "  when: {}", "then: []", "# note", ""]
    pairs = [
        (
            "\n".join(rng.choices(words, k=rng.randint(0, 30))),
            "\n".join(rng.choices(words, k=rng.randint(0, 30))),
        )
        for _ in range(25)
    ]
    pairs.append((DEFAULT, DEFAULT.replace("weight", "weights", 3) + "\n# added\n"))
    for before, after in pairs:
        lines = diff(console, before, after)
        assert [x["text"] for x in lines if x["kind"] != "added"] == before.split("\n")
        assert [x["text"] for x in lines if x["kind"] != "removed"] == after.split("\n")
        assert [x["old"] for x in lines if x["old"]] == list(range(1, before.count("\n") + 2))
        assert [x["new"] for x in lines if x["new"]] == list(range(1, after.count("\n") + 2))


def test_the_diff_marks_only_what_changed_and_folds_the_rest(console: Console):
    before = "\n".join(f"line {n}" for n in range(1, 21))
    after = before.replace("line 10", "line ten").replace("line 15\n", "")
    lines = diff(console, before, after)
    changed = [(x["kind"], x["text"]) for x in lines if x["kind"] != "same"]
    assert changed == [("removed", "line 10"), ("added", "line ten"), ("removed", "line 15")]

    shown = run(
        console, "line_diff.js", "(m, a, b) => m.withContext(m.lineDiff(a, b), 2)", before, after
    )
    folds = [x["count"] for x in shown if x["kind"] == "folded"]
    assert folds == [7, 3]  # lines 1-7 and 18-20: the rest is within 2 lines of a change
    assert sum(folds) + len(shown) - len(folds) == len(lines)


HARD_LINES = [
    'name: "a \\"quoted\\" name" # and a comment',
    "description: it's 100%#1 plain # and then a comment",
    "  - {field: code, op: \"==\", value: '63.03'}  # the audited region",
    "      - adjust_score: {dimension: outcome, by: -3.5, min: 0, max: 4}",
    "weights: [0.1, 0.2, 0.3]",
    '{"rules": [{"id": "x", "when": {"all": []}}]}',
    "key: 'unterminated",
    "\t  tabs\tand  spaces  ",
    "<img src=x onerror=alert(1)>: </script>",
    "",
]


def test_the_highlighter_loses_no_character_and_tells_keys_from_values(console: Console):
    lines = DEFAULT.split("\n") + HARD_LINES
    found = run(console, "yaml_tokens.js", "(m, lines) => lines.map(m.tokens)", lines)
    for line, parts in zip(lines, found, strict=True):
        assert "".join(text for _, text in parts) == line  # the textarea lies exactly over it

    by_line = dict(zip(lines, found, strict=True))
    assert ["key", "weights"] in by_line["weights: [0.1, 0.2, 0.3]"]
    assert ["number", "0.2"] in by_line["weights: [0.1, 0.2, 0.3]"]
    quoted = by_line["  - {field: code, op: \"==\", value: '63.03'}  # the audited region"]
    assert ["string", "'63.03'"] in quoted
    assert quoted[-1] == ["comment", "# the audited region"]
    plain = by_line["description: it's 100%#1 plain # and then a comment"]
    assert plain[-2:] == [["plain", " it's 100%#1 plain "], ["comment", "# and then a comment"]]


@pytest.mark.parametrize(
    ("role", "read_rules", "change_rules"),
    [(Role.ADMIN, True, True), (Role.MINISTRY, True, False), (Role.REGION_OPERATOR, False, False)],
)
def test_what_the_pages_offer_follows_the_tokens_role(
    console: Console, role: Role, read_rules: bool, change_rules: bool
):
    body = "(m, t) => [m.can('read rules', m.claims(t)), m.can('change rules', m.claims(t))]"
    assert run(console, "session.js", body, token(role, "63.03")) == [read_rules, change_rules]
    for malformed in ["", "a.b", "a.!!!.c", token(role, "63.03").replace(".", "", 1)]:
        assert run(console, "session.js", "(m, t) => m.claims(t)", malformed) is None


FOLLOW = """(m, answers, patienceMs) => new Promise((resolve) => {
    const reports = [];
    const state = (behind) => ({
        active: 2,
        cards: [1, 2, 3].map((n) => ({ rulesetVersion: n <= behind ? 1 : 2 })),
    });
    const next = answers.map((a) => a === "fail" ? null : state(a));
    m.followRescoring(state(3), {
        reload: async () => { const s = next.shift(); if (!s) throw new Error("down"); return s; },
        alive: () => true,
        report: (r) => { reports.push(`${r.phase} ${r.done}/${r.total}`); },
        pollMs: 5,
        patienceMs,
    }).then(() => resolve(reports));
})"""


def test_the_rescoring_follower_reports_until_done_or_stalled(console: Console):
    done = run(console, "rescoring.js", FOLLOW, [2, "fail", 2, 0], 10_000)
    assert done == ["rescoring 0/3", "rescoring 1/3", "rescoring 1/3", "rescoring 1/3", "done 3/3"]

    stalled = run(console, "rescoring.js", FOLLOW, [1] + ["fail"] * 100, 50)
    assert stalled[:2] == ["rescoring 0/3", "rescoring 2/3"]
    assert stalled[-1] == "stalled 2/3"
    assert run(console, "rescoring.js", FOLLOW.replace("state(3)", "state(0)"), [], 50) == []
