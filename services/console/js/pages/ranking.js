// A cycle's ranking: every scorecard the caller may read, ordered and filtered at will.

import { graphql } from "../api.js";
import { field, h, index, select, show, signed } from "../dom.js";
import { cohortName, cycleName, t } from "../i18n.js";
import { follow } from "../live.js";
import { go } from "../navigation.js";
import { CYCLES, RANKING, RANKING_AND_ACTIVE_RULES, RESCORING_PROGRESS } from "../queries.js";
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
      return t("ranking.rescoring", { active, done, total });
    case "stalled":
      return t("ranking.stalled", { active, behind: total - done, total });
    default:
      return t("ranking.rescored", { active });
  }
}

export async function rankingPage(page, cycleId) {
  const { evaluationCycles } = await graphql(CYCLES);
  const cycles = [...evaluationCycles].sort((a, b) => b.year - a.year || a.id.localeCompare(b.id));
  if (!cycles.length) return show(page, h("h1", {}, t("ranking.title")), h("p", {}, t("ranking.noCycle")));
  const chosen = cycleId ?? cycles[0].id;
  const loaded = await loadRanking(chosen);
  let rows = loaded.cards;
  const named = { cohort: cohortName, province: (v) => v };
  const choices = (key) => [
    [ALL, t("ranking.all")],
    ...[...new Set(rows.map((r) => r[key]).filter(Boolean))].sort().map((v) => [v, named[key](v)]),
  ];
  const filters = { cohort: ALL, province: ALL };

  const table = sortableTable(
    [
      { key: "rank", title: t("ranking.rank"), value: (r) => r.rank, numeric: true },
      {
        key: "name",
        title: t("ranking.region"),
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
      { key: "province", title: t("ranking.province"), value: (r) => r.province },
      {
        key: "cohort",
        title: t("ranking.cohort"),
        value: (r) => r.cohort,
        cell: (r) => cohortName(r.cohort),
      },
      { key: "rankInCohort", title: t("ranking.rankInCohort"), value: (r) => r.rankInCohort, numeric: true },
      {
        key: "finalIndex",
        title: t("ranking.index"),
        value: (r) => r.finalIndex,
        cell: (r) => index(r.finalIndex),
        numeric: true,
      },
      { key: "grade", title: t("ranking.grade"), value: (r) => r.grade },
      {
        key: "improvement",
        title: t("ranking.change"),
        value: (r) => r.improvement,
        cell: (r) => signed(r.improvement),
        numeric: true,
      },
      { key: "flags", title: t("ranking.flags"), value: (r) => r.flags.length, numeric: true },
      {
        key: "rulesetVersion",
        title: t("ranking.rules"),
        value: (r) => r.rulesetVersion,
        cell: (r) => (r.source === "PUBLISHED" ? t("ranking.published") : `v${r.rulesetVersion}`),
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
    show(count, t("ranking.shown", { shown: shown.length, total: rows.length }));
  };
  refilter();
  show(
    page,
    h("h1", {}, t("ranking.title")),
    h(
      "form",
      { className: "inline filters", onSubmit: (event) => event.preventDefault() },
      field(
        t("ranking.cycle"),
        select(
          cycles.map((c) => [c.id, `${cycleName(c)} · ${t(`status.${c.status.toLowerCase()}`)}`]),
          chosen,
          (v) => go(`/scorecards/${v}`),
          { name: "cycle" },
        ),
      ),
      field(
        t("ranking.cohort"),
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
        t("ranking.province"),
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
    rows.length ? [rescoring, count, table.element] : h("p", {}, t("ranking.noneReadable")),
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
    follow: ({ next, failed }) =>
      follow(
        RESCORING_PROGRESS,
        { cycleId: chosen },
        { next: (data) => next(data.rescoringProgress), failed },
      ),
  });
}
