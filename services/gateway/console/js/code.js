// A rule set document shown with highlighting, line numbers and its problems at their lines:
// read-only (`codeView`) or editable (`codeEditor`: a textarea over the highlighted text).

import { h, show } from "./dom.js";
import { tokens } from "./yaml_tokens.js";

function byLine(problems) {
  const lines = new Map();
  for (const problem of problems ?? []) {
    if (!problem.line) continue;
    lines.set(problem.line, [...(lines.get(problem.line) ?? []), problem]);
  }
  return lines;
}

function highlighted(text, problems) {
  const located = byLine(problems);
  return text.split("\n").map((line, index) => {
    const number = index + 1;
    const here = located.get(number);
    return h(
      "span",
      { className: here ? "line problem" : "line", dataset: { line: number } },
      tokens(line).map(([kind, part]) =>
        kind === "plain" ? part : h("span", { className: `t-${kind}` }, part),
      ),
      here ? h("span", { className: "annotation" }, here.map((p) => p.message).join(" · ")) : null,
      "\n",
    );
  });
}

function gutter(text, problems) {
  const located = byLine(problems);
  const count = text.split("\n").length;
  return Array.from({ length: count }, (_, index) => {
    const here = located.get(index + 1);
    return h(
      "span",
      {
        className: here ? "number problem" : "number",
        title: here ? here.map((p) => p.message).join("\n") : null,
      },
      String(index + 1),
      "\n",
    );
  });
}

export function problemList(problems, onPick) {
  if (!problems?.length)
    return h("p", { className: "ok", id: "problems" }, "No problems: this document can be activated.");
  return h(
    "ol",
    { className: "problems", id: "problems", "aria-label": "Problems" },
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
          p.line ? `Line ${p.line}` : "Document",
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
  return h(
    "div",
    { className: "code" },
    h("pre", { className: "gutter", "aria-hidden": "true" }, gutter(text, problems)),
    h("pre", { className: "highlight" }, highlighted(text, problems)),
  );
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
    "aria-label": "Rule set document",
  });
  area.value = text;
  let problems = [];
  const paint = () => {
    show(numbers, gutter(area.value, problems));
    show(layer, highlighted(area.value, problems));
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
