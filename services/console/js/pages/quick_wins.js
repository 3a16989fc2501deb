// A region's quick wins: those proposed, with the rules' decision and its reason, and a form
// that proposes one of its programs for a year, showing where the program's planning stands.

import { graphql } from "../api.js";
import { field, h, select, show } from "../dom.js";
import { number, t } from "../i18n.js";
import { go } from "../navigation.js";
import { submitting } from "../submitting.js";
import { PROPOSE_QUICK_WIN } from "../work_queries.js";

export function quickWins(region) {
  const names = new Map(region.programs.map((p) => [p.id, p.name]));
  return h(
    "section",
    { className: "card", id: "quick-wins" },
    h("h2", {}, t("quickWins.title")),
    region.quickWins.length
      ? h(
          "table",
          { className: "grid" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ["program", "year", "status", "reason"].map((key) => h("th", {}, t(`quickWins.column.${key}`))),
            ),
          ),
          h(
            "tbody",
            {},
            region.quickWins.map((q) =>
              h(
                "tr",
                {},
                h("td", {}, names.get(q.programId) ?? q.programId),
                h("td", {}, q.year),
                h("td", {}, t(`quickWinStatus.${q.status.toLowerCase()}`)),
                h("td", {}, q.reason || "–"),
              ),
            ),
          ),
        )
      : h("p", { className: "muted" }, t("quickWins.none")),
    region.programs.length ? proposeForm(region) : null,
  );
}

function proposeForm(region) {
  let programId = region.programs[0].id;
  const year = h("input", {
    name: "year",
    type: "number",
    min: 2000,
    max: 2100,
    required: true,
    value: new Date().getFullYear(),
  });
  const rationale = h("textarea", { name: "rationale", rows: 2, maxlength: 2000 });
  const readiness = h("p", { id: "readiness", "aria-live": "polite" });
  const paintReadiness = () => {
    const program = region.programs.find((p) => p.id === programId);
    show(
      readiness,
      t("quickWins.readiness", {
        name: program.name,
        planning: number(program.planningPercent, 0),
        year: year.value,
      }),
    );
  };
  year.addEventListener("input", paintReadiness);
  const status = h("p", { role: "status", className: "muted" });
  const form = h(
    "form",
    { id: "propose-quick-win" },
    h("h3", {}, t("quickWins.propose")),
    h(
      "div",
      { className: "fields" },
      field(
        t("quickWins.program"),
        select(
          region.programs.map((p) => [p.id, p.name]),
          programId,
          (value) => {
            programId = value;
            paintReadiness();
          },
          { name: "programId" },
        ),
      ),
      field(t("quickWins.year"), year),
    ),
    field(t("quickWins.rationale"), rationale),
    readiness,
    status,
    h("button", { type: "submit" }, t("quickWins.proposeButton")),
  );
  paintReadiness();
  form.addEventListener(
    "submit",
    submitting(form, status, async () => {
      const input = { programId, year: Number(year.value), rationale: rationale.value };
      await graphql(PROPOSE_QUICK_WIN, { input });
      go("/workspace", [t("quickWins.proposed"), "ok"]);
    }),
  );
  return form;
}
