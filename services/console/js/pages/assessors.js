// The assessor registry: who assesses for the ministry, from which institution; admins
// register a new one (or correct one's name) here.

import { everyPage, graphql } from "../api.js";
import { field, h, scrollBox, show } from "../dom.js";
import { t } from "../i18n.js";
import { go } from "../navigation.js";
import * as session from "../session.js";
import { sortableTable } from "../sortable_table.js";
import { submitting } from "../submitting.js";
import { ASSESSORS, REGISTER_ASSESSOR } from "../work_queries.js";

export async function assessorsPage(page) {
  const registry = await allAssessors();
  const table = sortableTable(
    [
      { key: "name", title: t("assessors.name"), value: (a) => a.name },
      { key: "institution", title: t("assessors.institution"), value: (a) => a.institution },
      { key: "id", title: t("assessors.id"), value: (a) => a.id },
    ],
    registry,
    { id: "assessors" },
  );
  show(
    page,
    h("h1", {}, t("assessors.title")),
    registry.length
      ? scrollBox(t("assessors.title"), table.element)
      : h("p", { className: "muted" }, t("assessors.none")),
    session.can("run season") ? registerForm() : null,
  );
}

function registerForm() {
  const name = h("input", { name: "name", required: true, maxlength: 200, autocomplete: "name" });
  const institution = h("input", { name: "institution", required: true, maxlength: 200 });
  const id = h("input", { name: "id", maxlength: 100, pattern: "[A-Za-z0-9._:-]+" });
  const status = h("p", { role: "status", className: "muted" });
  const form = h(
    "form",
    { className: "card", id: "register" },
    h("h2", {}, t("assessors.register")),
    h(
      "div",
      { className: "fields" },
      field(t("assessors.name"), name),
      field(t("assessors.institution"), institution),
      field(t("assessors.id"), id, t("assessors.idHint")),
    ),
    status,
    h("button", { type: "submit" }, t("assessors.registerButton")),
  );
  form.addEventListener(
    "submit",
    submitting(form, status, async () => {
      const input = { name: name.value, institution: institution.value, id: id.value.trim() || null };
      const { registerAssessor: registered } = await graphql(REGISTER_ASSESSOR, { input });
      go("/assessors", [t("assessors.registered", { name: registered.name, id: registered.id }), "ok"]);
    }),
  );
  return form;
}

// The whole registry.
export function allAssessors() {
  return everyPage(
    async (after) => (await graphql(ASSESSORS, { after })).assessors,
    (a) => a.id,
  );
}
