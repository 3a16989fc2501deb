// A region's quick wins: those proposed, with the rules' decision and its reason, and a form
// that proposes one of its programs for a year, showing first what the active rules would
// decide (asked of scoring, which runs them on the region's evidence as it stands).

import { graphql, onceKnown } from "../api.js";
import { field, h, select, show } from "../dom.js";
import { number, t } from "../i18n.js";
import { go } from "../navigation.js";
import { refusal, submitting } from "../submitting.js";
import { PROPOSE_QUICK_WIN, QUICK_WIN_READINESS } from "../work_queries.js";

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
  let asked = 0;
  const paintReadiness = async () => {
    const program = region.programs.find((p) => p.id === programId);
    const cycle = region.campaigns
      .map((c) => c.cycle)
      .find((c) => c.status === "OPEN" && c.year === Number(year.value));
    const planning = t("quickWins.planning", {
      name: program.name,
      planning: number(program.planningPercent, 0),
    });
    if (!cycle) return show(readiness, planning, " ", t("quickWins.noCycle", { year: year.value }));
    const mine = ++asked;
    show(readiness, planning, " ", t("quickWins.asking"));
    try {
      const decided = await verdict(program, region.code, cycle.id, () => mine === asked);
      if (mine !== asked) return; // a later choice is being asked about
      readiness.className = decided?.eligible ? "ok" : "warn";
      show(
        readiness,
        planning,
        " ",
        decided
          ? t(decided.eligible ? "quickWins.eligible" : "quickWins.notEligible", decided)
          : t("quickWins.undecided"),
      );
    } catch (error) {
      if (mine === asked) show(readiness, planning, " ", refusal(error));
    }
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

// The rules' decision, asked again while scoring has not yet counted the latest progress
// the catalog took (it learns of it from the stream a moment later), for up to 15 s.
async function verdict(program, regionCode, cycleId, stillWanted) {
  const variables = { id: program.id, code: regionCode, cycleId };
  const until = Date.now() + 15_000;
  for (;;) {
    const answer = await onceKnown(() => graphql(QUICK_WIN_READINESS, variables), 10);
    const found = answer.program?.quickWinReadiness;
    const counted = found && found.planningPercent === program.planningPercent;
    if (counted || !stillWanted() || Date.now() > until) return found?.decision ?? null;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
