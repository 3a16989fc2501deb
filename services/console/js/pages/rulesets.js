// Rule set versions, newest first, with their status and author; a way to compare two.

import { graphql } from "../api.js";
import { compareForm } from "../compare_form.js";
import { h, show, when } from "../dom.js";
import { RULE_SETS } from "../queries.js";
import * as session from "../session.js";

export function statusBadge(status) {
  return h("span", { className: `badge ${status}` }, status);
}

export async function ruleSetsPage(page) {
  const { ruleSets } = await graphql(RULE_SETS);
  const active = ruleSets.find((r) => r.status === "active");
  const rows = ruleSets.map((r) =>
    h(
      "tr",
      { dataset: { version: r.version } },
      h("td", {}, h("a", { href: `#/rules/${r.id}` }, `v${r.version}`)),
      h("td", {}, r.name),
      h("td", {}, statusBadge(r.status)),
      h("td", {}, r.author),
      h("td", {}, when(r.createdAt)),
      h("td", {}, r.basedOn ? `v${r.basedOn}` : "–"),
    ),
  );
  const versions = ruleSets.map((r) => [r.id, `v${r.version}`]);
  show(
    page,
    h(
      "div",
      { className: "heading" },
      h("h1", {}, "Rule sets"),
      session.can("change rules") && active
        ? h(
            "a",
            { className: "button", href: `#/rules/${active.id}/edit` },
            `New draft from the active v${active.version}`,
          )
        : null,
    ),
    h(
      "table",
      { className: "grid", id: "versions" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["Version", "Name", "Status", "Author", "Drafted", "Based on"].map((t) => h("th", {}, t)),
        ),
      ),
      h("tbody", {}, rows),
    ),
    ruleSets.length > 1
      ? compareForm(
          h("strong", {}, "Compare "),
          { choices: versions, chosen: ruleSets[1].id, label: "from version" },
          { choices: versions, chosen: ruleSets[0].id, label: "to version" },
        )
      : null,
  );
}
