// What is wrong with a sheet, shown where it is: each problem at its line and column.

import { h } from "./dom.js";
import { t } from "./i18n.js";

// A refusal's problems by sheet line and column: the refused field `input.<list>[n].<rest>`
// is the nth row sent, which knows its line; `columnOf(row, rest)` names the column.
export function rowProblems(error, rows, list, columnOf) {
  const pattern = new RegExp(`^input\\.${list}\\[(\\d+)\\]\\.?(.*)$`);
  return error.problems.map((problem) => {
    const [, at, rest] = pattern.exec(problem.field ?? "") ?? [];
    const row = rows[Number(at)];
    if (!row) return { line: null, column: problem.field ?? "", message: problem.message };
    return { line: row.line, column: columnOf(row, rest), message: problem.message };
  });
}

export function problemsTable(problems) {
  return h(
    "div",
    { role: "alert" },
    h("p", { className: "error" }, t("problems.count", { count: problems.length })),
    h(
      "table",
      { className: "grid", id: "problems" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, t("problems.line")),
          h("th", {}, t("problems.column")),
          h("th", {}, t("problems.message")),
        ),
      ),
      h(
        "tbody",
        {},
        problems.map((p) =>
          h(
            "tr",
            {},
            h("td", { className: "number" }, p.line ?? "–"),
            h("td", {}, p.column || "–"),
            h("td", {}, p.message),
          ),
        ),
      ),
    ),
  );
}
