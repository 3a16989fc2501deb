// The region workspace: a region operator's own region. The open cycle's self-assessment,
// the masterplans and their programs by the six smart city dimensions (created, edited and
// reported on in forms, or imported from a sheet), the quick wins, and the scorecards with
// their letters.

import { graphql } from "../api.js";
import { field, h, index, show } from "../dom.js";
import { cycleName, t } from "../i18n.js";
import { go } from "../navigation.js";
import * as session from "../session.js";
import { submitting } from "../submitting.js";
import { CREATE_MASTERPLAN, WORKSPACE } from "../work_queries.js";
import { programImport } from "./program_import.js";
import { programsByDimension } from "./programs.js";
import { quickWins } from "./quick_wins.js";

export async function workspacePage(page) {
  const code = session.claims().region;
  const { region, dimensions } = await graphql(WORKSPACE, { code });
  if (!region) return show(page, h("h1", {}, code), h("p", {}, t("workspace.unknownRegion")));
  show(
    page,
    h("h1", {}, `${region.name} (${region.code})`),
    h("p", { className: "muted" }, [region.province, t(`kind.${region.kind.toLowerCase()}`)].join(" · ")),
    selfAssessments(region.campaigns),
    masterplans(region),
    programsByDimension(region, dimensions),
    region.masterplans.length ? programImport(region, dimensions) : null,
    quickWins(region),
    scorecards(region),
  );
}

function selfAssessments(campaigns) {
  const open = campaigns.filter((c) => c.audience === "SELF_ASSESSMENT" && c.cycle.status === "OPEN");
  return h(
    "section",
    { className: "card", id: "self-assessments" },
    h("h2", {}, t("workspace.selfAssessment")),
    open.length
      ? h(
          "ul",
          {},
          open.map((c) =>
            h(
              "li",
              {},
              h(
                "a",
                { href: `#/workspace/self-assessment/${c.id}` },
                t("workspace.fillSelfAssessment", { cycle: cycleName(c.cycle) }),
              ),
            ),
          ),
        )
      : h("p", { className: "muted" }, t("workspace.noSelfAssessment")),
  );
}

function masterplans(region) {
  const title = h("input", { name: "title", required: true, maxlength: 300 });
  const year = new Date().getFullYear();
  const start = h("input", {
    name: "periodStart",
    type: "number",
    min: 2000,
    max: 2100,
    value: year,
    required: true,
  });
  const end = h("input", {
    name: "periodEnd",
    type: "number",
    min: 2000,
    max: 2100,
    value: year + 4,
    required: true,
  });
  const legal = h("input", { name: "legalBasis", maxlength: 300 });
  const status = h("p", { role: "status", className: "muted" });
  const form = h(
    "form",
    { id: "new-masterplan" },
    h("h3", {}, t("workspace.newMasterplan")),
    h(
      "div",
      { className: "fields" },
      field(t("workspace.masterplanTitle"), title),
      field(t("workspace.periodStart"), start),
      field(t("workspace.periodEnd"), end),
      field(t("workspace.legalBasis"), legal),
    ),
    status,
    h("button", { type: "submit" }, t("workspace.createMasterplan")),
  );
  form.addEventListener(
    "submit",
    submitting(form, status, async () => {
      const input = {
        regionCode: region.code,
        title: title.value,
        periodStart: Number(start.value),
        periodEnd: Number(end.value),
        legalBasis: legal.value,
      };
      await graphql(CREATE_MASTERPLAN, { input });
      go("/workspace", [t("workspace.masterplanCreated", { title: input.title }), "ok"]);
    }),
  );
  return h(
    "section",
    { className: "card", id: "masterplans" },
    h("h2", {}, t("workspace.masterplans")),
    region.masterplans.length
      ? h(
          "ul",
          {},
          region.masterplans.map((m) => h("li", {}, `${m.title} (${m.periodStart}–${m.periodEnd})`)),
        )
      : h("p", { className: "muted" }, t("workspace.noMasterplan")),
    h("details", { open: !region.masterplans.length }, h("summary", {}, t("workspace.newMasterplan")), form),
  );
}

function scorecards(region) {
  return h(
    "section",
    { className: "card", id: "scorecards" },
    h("h2", {}, t("workspace.scorecards")),
    region.scorecards.length
      ? h(
          "table",
          { className: "grid" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ["year", "index", "grade"].map((key) => h("th", {}, t(`workspace.column.${key}`))),
            ),
          ),
          h(
            "tbody",
            {},
            region.scorecards.map((card) =>
              h(
                "tr",
                {},
                h("td", {}, h("a", { href: `#/regions/${region.code}/${card.cycleId}` }, card.year)),
                h("td", { className: "number" }, index(card.finalIndex)),
                h("td", {}, card.grade ?? "–"),
              ),
            ),
          ),
        )
      : h("p", { className: "muted" }, t("workspace.noScorecards")),
  );
}
