// Who drafted and activated which version, and when.

import { graphql } from "../api.js";
import { h, show, when } from "../dom.js";
import { t } from "../i18n.js";
import { AUDIT } from "../queries.js";

export function auditTable(entries) {
  if (!entries.length) return h("p", { className: "muted" }, t("audit.none"));
  return h(
    "table",
    { className: "grid audit" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["when", "action", "version", "by", "detail"].map((key) => h("th", {}, t(`audit.column.${key}`))),
      ),
    ),
    h(
      "tbody",
      {},
      [...entries]
        .reverse()
        .map((e) =>
          h(
            "tr",
            {},
            h("td", {}, when(e.at)),
            h("td", {}, t(`audit.action.${e.action}`)),
            h("td", {}, h("a", { href: `#/rules/v${e.version}` }, `v${e.version}`)),
            h("td", {}, e.actor),
            h("td", { className: "detail" }, describe(e.detail)),
          ),
        ),
    ),
  );
}

function describe(detail) {
  return Object.entries(detail ?? {})
    .filter(([, value]) => value !== null && value !== undefined)
    .map(
      ([key, value]) =>
        `${key.replace(/_/g, " ")}: ${typeof value === "object" ? JSON.stringify(value) : value}`,
    )
    .join(" · ");
}

export async function auditPage(page) {
  const { ruleSetAudit } = await graphql(AUDIT, { id: null });
  show(
    page,
    h("h1", {}, t("audit.title")),
    h("p", { className: "muted" }, t("audit.newestFirst")),
    auditTable(ruleSetAudit),
  );
}
