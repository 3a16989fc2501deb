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

DEFAULT = (Path(__file__).parents[2] / "services/scoring/shipped/default_ruleset.yaml").read_text()


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


def fewest_changes(a: list[str], b: list[str]) -> int:
    """Lines removed plus lines added by the shortest edit: all but the longest common run."""
    common = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            same = a[i] == b[j]
            common[i][j] = (
                common[i + 1][j + 1] + 1 if same else max(common[i + 1][j], common[i][j + 1])
            )
    return len(a) + len(b) - 2 * common[0][0]


def keeps_both_documents(lines: list[dict[str, Any]], before: str, after: str) -> None:
    assert [x["text"] for x in lines if x["kind"] != "added"] == before.split("\n")
    assert [x["text"] for x in lines if x["kind"] != "removed"] == after.split("\n")
    assert [x["old"] for x in lines if x["old"]] == list(range(1, before.count("\n") + 2))
    assert [x["new"] for x in lines if x["new"]] == list(range(1, after.count("\n") + 2))


def test_the_diff_keeps_every_line_of_both_documents_and_changes_the_fewest(console: Console):
    rng = random.Random(7)
    words = ["rules:", "- id: a", "  when: {}", "then: []", "# note", ""]
    pairs = [
        (
            "\n".join(rng.choices(words, k=rng.randint(0, 40))),
            "\n".join(rng.choices(words, k=rng.randint(0, 40))),
        )
        for _ in range(40)
    ]
    pairs.append((DEFAULT, DEFAULT.replace("weight", "weights", 3) + "\n# added\n"))
    for before, after in pairs:
        lines = diff(console, before, after)
        keeps_both_documents(lines, before, after)
        changed = sum(x["kind"] != "same" for x in lines)
        assert changed == fewest_changes(before.split("\n"), after.split("\n")), (before, after)


def test_a_diff_of_documents_with_nothing_in_common_shows_one_replaced_stretch(console: Console):
    before = "\n".join(f"old {n}" for n in range(1500))
    after = "\n".join(f"new {n}" for n in range(1600))  # more changes than it searches for
    lines = diff(console, before, after)
    keeps_both_documents(lines, before, after)
    assert [x["kind"] for x in lines] == ["removed"] * 1500 + ["added"] * 1600


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
    published = FOLLOW.replace(
        "({ rulesetVersion: n <= behind ? 1 : 2 })",
        '({ rulesetVersion: 0, source: "PUBLISHED" })',
    )
    assert run(console, "rescoring.js", published, [], 50) == []  # published: never behind


TOLD = """(m, told, fails) => new Promise((resolve) => {
    const reports = [];
    let reloads = 0;
    const state = { active: 2, cards: [1, 2, 3].map(() => ({ rulesetVersion: 1 })) };
    m.followRescoring(state, {
        reload: async () => {
            reloads += 1;
            return { active: 2, cards: [1, 2, 3].map(() => ({ rulesetVersion: 2 })) };
        },
        alive: () => true,
        report: (r) => { reports.push(`${r.phase} ${r.done}/${r.total}`); },
        follow: ({ next, failed }) => {
            (async () => {
                for (const onActive of told) {
                    await new Promise((r) => setTimeout(r, 5));
                    next({ scorecards: 3, onActive, waiting: 3 - onActive });
                }
                if (fails) failed("cut");
            })();
            return () => {};
        },
        pollMs: 5,
        patienceMs: 10_000,
    }).then(() => resolve({ reports, reloads }));
})"""


def test_the_rescoring_follower_is_told_by_a_subscription_and_asks_when_it_fails(
    console: Console,
):
    told = run(console, "rescoring.js", TOLD, [0, 2, 3], False)
    assert told["reports"] == ["rescoring 0/3", "rescoring 2/3", "done 3/3"]
    assert told["reloads"] >= 1  # the table read again once every scorecard moved
    cut = run(console, "rescoring.js", TOLD, [1], True)  # then asked, every scorecard moved
    assert cut["reports"] == ["rescoring 1/3", "rescoring 0/3", "done 3/3"]


EDITING = """(m, text, edits) => {
    const editor = m.codeEditor(text, () => {});
    document.getElementById("page").replaceChildren(editor.element);
    const area = editor.element.querySelector("textarea");
    const layer = editor.element.querySelector(".highlight");
    const gutter = editor.element.querySelector(".gutter");
    const seen = [];
    for (const [from, to, inserted, problems] of edits) {
        area.setRangeText(inserted, from, to, "end");
        area.dispatchEvent(new Event("input"));
        if (problems) editor.setProblems(problems);
        const lines = [...layer.querySelectorAll(".line")];
        seen.push({
            text: area.value,
            drawn: lines.map((l) => l.firstChild ? [...l.childNodes].filter((n) => !n.classList?.contains("annotation")).map((n) => n.textContent).join("") : "\\n").join(""),
            numbers: lines.map((l) => Number(l.dataset.line)),
            gutter: [...gutter.querySelectorAll(".number")].map((n) => n.textContent.trim()),
            marked: lines.filter((l) => l.classList.contains("problem")).map((l) => Number(l.dataset.line)),
            gutterMarked: [...gutter.querySelectorAll(".number.problem")].map((n) => Number(n.textContent)),
        });
    }
    return seen;
}"""


def test_the_editor_redraws_exactly_the_document_typed_into_it(console: Console):
    text = "\n".join(DEFAULT.split("\n")[:30])
    rng = random.Random(3)
    edits: list[list[Any]] = []
    length = len(text)
    for n in range(40):
        start = rng.randint(0, length)
        end = min(length, start + rng.choice([0, 0, 1, 5, 40]))
        inserted = rng.choice(["x", "\n", "  - id: new\n", "", ": 'q'\n\n"])
        problem_line = rng.randint(1, 40)
        problems = [{"line": problem_line, "message": f"problem {n}"}] if n % 4 == 0 else None
        edits.append([start, end, inserted, problems])
        length += len(inserted) - (end - start)

    problem_lines: list[int] = []
    marked: list[int] = []
    for edit, seen in zip(edits, run(console, "code.js", EDITING, text, edits), strict=True):
        lines = seen["text"].split("\n")
        assert seen["drawn"] == "".join(f"{line}\n" for line in lines)
        assert seen["numbers"] == list(range(1, len(lines) + 1))
        assert seen["gutter"] == [str(n) for n in range(1, len(lines) + 1)]
        if edit[3] is not None:
            problem_lines = [p["line"] for p in edit[3]]
        expected = [line for line in problem_lines if line <= len(lines)]
        assert seen["marked"] == seen["gutterMarked"] == expected
        marked += expected
    assert marked  # problems were drawn along the way
