// What changed between two versions, line by line, unchanged stretches folded.

import { graphql } from "../api.js";
import { h, show } from "../dom.js";
import { t } from "../i18n.js";
import { lineDiff, withContext } from "../line_diff.js";
import { TWO_RULE_SETS } from "../queries.js";
import { statusBadge } from "./rulesets.js";

const MARK = { added: "+", removed: "−", same: " " };

export async function diffPage(page, from, to) {
  const { a, b } = await graphql(TWO_RULE_SETS, { a: from, b: to });
  if (!a || !b)
    return show(
      page,
      h("h1", {}, t("diff.missing")),
      h("p", {}, h("a", { href: "#/rules" }, t("diff.allRuleSets"))),
    );
  const lines = lineDiff(a.text, b.text);
  const added = lines.filter((l) => l.kind === "added").length;
  const removed = lines.filter((l) => l.kind === "removed").length;
  show(
    page,
    h(
      "h1",
      {},
      "v",
      String(a.version),
      " ",
      statusBadge(a.status),
      " → v",
      String(b.version),
      " ",
      statusBadge(b.status),
    ),
    h(
      "p",
      { id: "diff-summary" },
      added || removed ? t(added === 1 ? "diff.addedOne" : "diff.added", { added, removed }) : t("diff.same"),
    ),
    h(
      "div",
      { className: "diff", id: "diff" },
      withContext(lines).map((line) =>
        line.kind === "folded"
          ? h(
              "div",
              { className: "folded" },
              `⋯ ${t(line.count === 1 ? "diff.unchangedOne" : "diff.unchanged", { count: line.count })}`,
            )
          : h(
              "div",
              { className: `row ${line.kind}` },
              h("span", { className: "number" }, line.old ?? ""),
              h("span", { className: "number" }, line.new ?? ""),
              h("span", { className: "mark" }, MARK[line.kind]),
              h("span", { className: "text" }, line.text),
            ),
      ),
    ),
  );
}
