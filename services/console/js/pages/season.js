// The ministry's season: the evaluation cycles, open and closed, and (for admins) a form that
// opens the next one for a cohort's regions.

import { everyPage, graphql } from "../api.js";
import { field, h, select, show } from "../dom.js";
import { cohortName, cycleName, t } from "../i18n.js";
import { go } from "../navigation.js";
import * as session from "../session.js";
import { submitting } from "../submitting.js";
import { COHORT_REGIONS, OPEN_CYCLE, SEASON_CYCLES } from "../work_queries.js";

const STAGES = ["TAHAP_1", "TAHAP_2", "FIELD"];
const COHORTS = ["regular_2017_2019", "kppn_ikn"];

export async function seasonPage(page) {
  const { evaluationCycles: cycles } = await graphql(SEASON_CYCLES);
  const sorted = [...cycles].sort((a, b) => b.year - a.year || a.cohort.localeCompare(b.cohort));
  show(
    page,
    h("h1", {}, t("season.title")),
    sorted.length
      ? h(
          "table",
          { className: "grid", id: "cycles" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ["cycle", "status", "regions", "dates"].map((key) => h("th", {}, t(`season.column.${key}`))),
            ),
          ),
          h(
            "tbody",
            {},
            sorted.map((cycle) =>
              h(
                "tr",
                { dataset: { cycle: cycle.id } },
                h("td", {}, h("a", { href: `#/season/${cycle.id}` }, cycleName(cycle))),
                h(
                  "td",
                  {},
                  h(
                    "span",
                    { className: `badge ${cycle.status.toLowerCase()}` },
                    t(`cycleStatus.${cycle.status.toLowerCase()}`),
                  ),
                ),
                h("td", { className: "number" }, cycle.regionCodes.length),
                h("td", {}, `${cycle.opensOn} – ${cycle.closesOn}`),
              ),
            ),
          ),
        )
      : h("p", { className: "muted" }, t("season.none")),
    session.can("run season") ? openCycleForm(sorted) : null,
  );
}

function openCycleForm(cycles) {
  const today = new Date();
  const later = new Date(today.getTime() + 60 * 86_400_000);
  const iso = (date) => date.toISOString().slice(0, 10);
  const year = h("input", {
    name: "year",
    type: "number",
    min: 2017,
    max: 2100,
    required: true,
    value: today.getFullYear(),
  });
  let stage = "TAHAP_2";
  let cohort = COHORTS[0];
  const opensOn = h("input", { name: "opensOn", type: "date", required: true, value: iso(today) });
  const closesOn = h("input", { name: "closesOn", type: "date", required: true, value: iso(later) });
  const status = h("p", { role: "status", className: "muted" });
  const form = h(
    "form",
    { className: "card", id: "open-cycle" },
    h("h2", {}, t("season.open")),
    h("p", { className: "muted" }, t("season.openHint")),
    h(
      "div",
      { className: "fields" },
      field(t("season.year"), year),
      field(
        t("season.stage"),
        select(
          STAGES.map((s) => [s, t(`stage.${s.toLowerCase()}`)]),
          stage,
          (value) => {
            stage = value;
          },
          { name: "stage" },
        ),
      ),
      field(
        t("season.cohort"),
        select(
          COHORTS.map((c) => [c, cohortName(c)]),
          cohort,
          (value) => {
            cohort = value;
          },
          { name: "cohort" },
        ),
      ),
      field(t("season.opensOn"), opensOn),
      field(t("season.closesOn"), closesOn),
    ),
    status,
    h("button", { type: "submit" }, t("season.openButton")),
  );
  form.addEventListener(
    "submit",
    submitting(form, status, async () => {
      const regions = await regionsOf(cohort);
      if (!regions.length) throw new Error(t("season.noRegions", { cohort: cohortName(cohort) }));
      const taken = cycles.some(
        (c) => c.year === Number(year.value) && c.stage === stage && c.cohort === cohort,
      );
      if (taken) throw new Error(t("season.taken"));
      const input = {
        year: Number(year.value),
        stage,
        cohort,
        opensOn: opensOn.value,
        closesOn: closesOn.value,
        regionCodes: regions.map((r) => r.code),
      };
      const { createEvaluationCycle: opened } = await graphql(OPEN_CYCLE, { input });
      go(`/season/${opened.id}`, [t("season.opened", { regions: regions.length }), "ok"]);
    }),
  );
  return form;
}

// Every region of a cohort.
function regionsOf(cohort) {
  return everyPage(
    async (after) => (await graphql(COHORT_REGIONS, { cohort, after })).regions,
    (r) => r.code,
  );
}
