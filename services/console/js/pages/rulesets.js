// Rule set versions, newest first, with their status and author; a way to compare two.

import { graphql } from "../api.js";
import { compareForm } from "../compare_form.js";
import { h, show, when } from "../dom.js";
import { t } from "../i18n.js";
import { RULE_SETS } from "../queries.js";
import * as session from "../session.js";

export function statusBadge(status) {
  return h("span", { className: `badge ${status}` }, t(`ruleStatus.${status}`));
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
      h("h1", {}, t("rules.title")),
      session.can("change rules") && active
        ? h(
            "a",
            { className: "button", href: `#/rules/${active.id}/edit` },
            t("rules.newDraft", { version: active.version }),
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
          ["version", "name", "status", "author", "drafted", "basedOn"].map((key) =>
            h("th", {}, t(`rules.column.${key}`)),
          ),
        ),
      ),
      h("tbody", {}, rows),
    ),
    ruleSets.length > 1
      ? compareForm(
          h("strong", {}, `${t("rules.compare")} `),
          { choices: versions, chosen: ruleSets[1].id, label: t("rules.fromVersion") },
          { choices: versions, chosen: ruleSets[0].id, label: t("rules.toVersion") },
        )
      : null,
  );
}
