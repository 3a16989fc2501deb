// A cycle's ranking: every scorecard the caller may read, ordered and filtered at will.

import { graphql } from "../api.js";
import { field, h, index, select, show, signed } from "../dom.js";
import { go } from "../navigation.js";
import { CYCLES, RANKING, RANKING_AND_ACTIVE_RULES } from "../queries.js";
import { followRescoring } from "../rescoring.js";
import * as session from "../session.js";
import { sortableTable } from "../sortable_table.js";

const ALL = "";

// The cycle's scorecards as rows, and the active rule set's version (null when not readable).
async function loadRanking(cycleId) {
  const query = session.can("read rules") ? RANKING_AND_ACTIVE_RULES : RANKING;
  const { ranking, evaluationCycle, ruleSets } = await graphql(query, { cycleId, cycle: cycleId });
  const regions = new Map((evaluationCycle?.regions ?? []).map((r) => [r.code, r]));
  const cards = ranking.map((card) => ({
    ...card,
    name: regions.get(card.regionCode)?.name ?? "",
    province: regions.get(card.regionCode)?.province ?? "",
  }));
  return { cards, active: ruleSets?.find((r) => r.status === "active")?.version ?? null };
}

function rescoringText({ phase, done, total, active }) {
  switch (phase) {
    case "rescoring":
      return `Rescoring with rule set v${active}: ${done} of ${total} scorecards done. The table follows.`;
    case "stalled":
      return `${total - done} of ${total} scorecards are still on another rule set than v${active}, and none has moved for a minute. Reload to look again.`;
    default:
      return `Every scorecard is on the active rule set v${active}.`;
  }
}

export async function rankingPage(page, cycleId) {
  const { evaluationCycles } = await graphql(CYCLES);
  const cycles = [...evaluationCycles].sort((a, b) => b.year - a.year || a.id.localeCompare(b.id));
  if (!cycles.length) return show(page, h("h1", {}, "Scorecards"), h("p", {}, "No evaluation cycle yet."));
  const chosen = cycleId ?? cycles[0].id;
  const loaded = await loadRanking(chosen);
  let rows = loaded.cards;
  const choices = (key) => [
    [ALL, "All"],
    ...[...new Set(rows.map((r) => r[key]).filter(Boolean))].sort().map((v) => [v, v.replace(/_/g, " ")]),
  ];
  const filters = { cohort: ALL, province: ALL };

  const table = sortableTable(
    [
      { key: "rank", title: "Rank", value: (r) => r.rank, numeric: true },
      {
        key: "name",
        title: "Region",
        value: (r) => r.name || r.regionCode,
        cell: (r) =>
          h(
            "a",
            { href: `#/regions/${r.regionCode}/${chosen}` },
            r.name || r.regionCode,
            " ",
            h("span", { className: "muted" }, r.regionCode),
          ),
      },
      { key: "province", title: "Province", value: (r) => r.province },
      { key: "cohort", title: "Cohort", value: (r) => r.cohort, cell: (r) => r.cohort.replace(/_/g, " ") },
      { key: "rankInCohort", title: "Rank in cohort", value: (r) => r.rankInCohort, numeric: true },
      {
        key: "finalIndex",
        title: "Index",
        value: (r) => r.finalIndex,
        cell: (r) => index(r.finalIndex),
        numeric: true,
      },
      { key: "grade", title: "Grade", value: (r) => r.grade },
      {
        key: "improvement",
        title: "Change",
        value: (r) => r.improvement,
        cell: (r) => signed(r.improvement),
        numeric: true,
      },
      { key: "flags", title: "Flags", value: (r) => r.flags.length, numeric: true },
      {
        key: "rulesetVersion",
        title: "Rules",
        value: (r) => r.rulesetVersion,
        cell: (r) => `v${r.rulesetVersion}`,
        numeric: true,
      },
    ],
    rows,
    { id: "ranking", rowProps: (r) => ({ dataset: { region: r.regionCode } }) },
  );

  const count = h("p", { className: "muted", id: "shown" });
  const rescoring = h("p", { className: "muted", id: "rescoring", role: "status" });
  const refilter = () => {
    const shown = rows.filter(
      (r) =>
        (filters.cohort === ALL || r.cohort === filters.cohort) &&
        (filters.province === ALL || r.province === filters.province),
    );
    table.update(shown);
    show(count, `${shown.length} of ${rows.length} regions`);
  };
  refilter();
  show(
    page,
    h("h1", {}, "Scorecards"),
    h(
      "form",
      { className: "inline filters", onSubmit: (event) => event.preventDefault() },
      field(
        "Cycle",
        select(
          cycles.map((c) => [c.id, `${c.year} · ${c.cohort ?? "all cohorts"} · ${c.status} (${c.id})`]),
          chosen,
          (v) => go(`/scorecards/${v}`),
          { name: "cycle" },
        ),
      ),
      field(
        "Cohort",
        select(
          choices("cohort"),
          ALL,
          (v) => {
            filters.cohort = v;
            refilter();
          },
          { name: "cohort" },
        ),
      ),
      field(
        "Province",
        select(
          choices("province"),
          ALL,
          (v) => {
            filters.province = v;
            refilter();
          },
          { name: "province" },
        ),
      ),
    ),
    rows.length
      ? [rescoring, count, table.element]
      : h("p", {}, "No scorecard of this cycle is yours to read yet."),
  );
  followRescoring(loaded, {
    // in the background: the page is drawn and usable meanwhile
    reload: async () => {
      const next = await loadRanking(chosen);
      rows = next.cards;
      refilter();
      return next;
    },
    alive: () => page.isConnected,
    report: (progress) => show(rescoring, rescoringText(progress)),
  });
}
