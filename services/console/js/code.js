// A rule set document shown with highlighting, line numbers and its problems at their lines:
// read-only (`codeView`) or editable (`codeEditor`: a textarea over the highlighted text).

import { h } from "./dom.js";
import { t } from "./i18n.js";
import { tokens } from "./yaml_tokens.js";

function notesByLine(problems) {
  const lines = new Map();
  for (const problem of problems ?? []) {
    if (!problem.line) continue;
    lines.set(problem.line, [...(lines.get(problem.line) ?? []), problem.message]);
  }
  return lines;
}

function lineOf(text, number, note) {
  return h(
    "span",
    { className: note ? "line problem" : "line", dataset: { line: number } },
    tokens(text).map(([kind, part]) =>
      kind === "plain" ? part : h("span", { className: `t-${kind}` }, part),
    ),
    note ? h("span", { className: "annotation" }, note.join(" · ")) : null,
    "\n",
  );
}

const sameNote = (a, b) => a === b || (a && b && a.join("\n") === b.join("\n"));

// A highlighted document in `layer` that redraws only the lines whose text or notes
// changed between paints (those between the unchanged beginning and end): typing in a long
// document rebuilds a line or two, not every line.
function highlighter(layer) {
  let shown = []; // per line: { text, note, element }
  return (lines, notes) => {
    const next = lines.map((line, index) => ({ text: line, note: notes.get(index + 1) }));
    const same = (a, b) => a.text === b.text && sameNote(a.note, b.note);
    let head = 0;
    while (head < shown.length && head < next.length && same(shown[head], next[head])) head += 1;
    let tail = 0;
    while (
      tail < Math.min(shown.length, next.length) - head &&
      same(shown[shown.length - 1 - tail], next[next.length - 1 - tail])
    )
      tail += 1;
    const fresh = next
      .slice(head, next.length - tail)
      .map((line, k) => ({ ...line, element: lineOf(line.text, head + k + 1, line.note) }));
    const kept = shown.slice(shown.length - tail);
    for (const line of shown.slice(head, shown.length - tail)) line.element.remove();
    const fragment = document.createDocumentFragment();
    fragment.append(...fresh.map((line) => line.element));
    layer.insertBefore(fragment, kept[0]?.element ?? null);
    if (next.length !== shown.length)
      kept.forEach((line, k) => {
        line.element.dataset.line = head + fresh.length + k + 1;
      });
    shown = [...shown.slice(0, head), ...fresh, ...kept];
  };
}

// Line numbers in `gutter`, those with problems marked: numbers are added or removed at the
// end as the document grows or shrinks, marks changed only where they changed.
function numberer(gutter) {
  const numbers = [];
  let marked = new Map();
  const mark = (element, note) => {
    element.className = note ? "number problem" : "number";
    if (note) element.title = note.join("\n");
    else element.removeAttribute("title");
  };
  return (count, notes) => {
    const added = [];
    while (numbers.length < count) {
      const element = h("span", { className: "number" }, String(numbers.length + 1), "\n");
      numbers.push(element);
      added.push(element);
    }
    gutter.append(...added);
    while (numbers.length > count) numbers.pop().remove();
    for (const line of new Set([...marked.keys(), ...notes.keys()])) {
      if (line <= count && !sameNote(marked.get(line), notes.get(line)))
        mark(numbers[line - 1], notes.get(line));
    }
    marked = new Map([...notes].filter(([line]) => line <= count));
  };
}

// A document drawn into its line numbers and highlighted layer; each later call redraws
// only what changed since the one before.
function painter(gutter, layer) {
  const number = numberer(gutter);
  const highlight = highlighter(layer);
  return (text, problems) => {
    const lines = text.split("\n");
    const notes = notesByLine(problems);
    number(lines.length, notes);
    highlight(lines, notes);
  };
}

export function problemList(problems, onPick) {
  if (!problems?.length) return h("p", { className: "ok", id: "problems" }, t("code.noProblems"));
  return h(
    "ol",
    { className: "problems", id: "problems", "aria-label": t("code.problems") },
    problems.map((p) =>
      h(
        "li",
        {},
        h(
          "button",
          {
            type: "button",
            className: "link",
            disabled: !p.line || !onPick,
            onClick: () => onPick?.(p.line),
          },
          p.line ? t("code.line", { line: p.line }) : t("code.document"),
        ),
        " ",
        h("code", {}, p.path),
        p.ruleId ? h("span", { className: "muted" }, ` (rule ${p.ruleId})`) : null,
        ": ",
        p.message,
      ),
    ),
  );
}

export function codeView(text, problems) {
  const numbers = h("pre", { className: "gutter", "aria-hidden": "true" });
  const layer = h("pre", { className: "highlight" });
  painter(numbers, layer)(text, problems);
  return h("div", { className: "code" }, numbers, layer);
}

export function codeEditor(text, onInput) {
  const numbers = h("pre", { className: "gutter", "aria-hidden": "true" });
  const layer = h("pre", { className: "highlight", "aria-hidden": "true" });
  const area = h("textarea", {
    className: "source",
    spellcheck: "false",
    wrap: "off",
    autocomplete: "off",
    autocapitalize: "off",
    "aria-label": t("code.editor"),
  });
  area.value = text;
  let problems = [];
  const draw = painter(numbers, layer);
  const paint = () => {
    draw(area.value, problems);
    sync();
  };
  const sync = () => {
    layer.scrollTop = area.scrollTop;
    layer.scrollLeft = area.scrollLeft;
    numbers.scrollTop = area.scrollTop;
  };
  area.addEventListener("input", () => {
    paint();
    onInput(area.value);
  });
  area.addEventListener("scroll", sync);
  area.addEventListener("keydown", (event) => {
    if (event.key !== "Tab" || event.shiftKey) return; // indentation, not leaving the editor
    event.preventDefault();
    area.setRangeText("  ", area.selectionStart, area.selectionEnd, "end");
    area.dispatchEvent(new Event("input"));
  });
  paint();
  return {
    element: h("div", { className: "code editor" }, numbers, h("div", { className: "layers" }, layer, area)),
    text: () => area.value,
    setProblems(found) {
      problems = found;
      paint();
    },
    goToLine(line) {
      const lines = area.value.split("\n");
      const text = lines[line - 1] ?? "";
      const start = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0);
      area.focus(); // the line's text selected, its indentation kept
      area.setSelectionRange(start + (text.length - text.trimStart().length), start + text.length);
      const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 20;
      area.scrollTop = Math.max(0, (line - 5) * lineHeight);
      sync();
    },
  };
}
