// One cycle's season: per region, whether the self-assessment is in, how far the assessors
// and the citizens have come, and the scorecard. Admins open the campaigns, assign assessors
// to several regions at a time and close the cycle; ministries read.

import { everyPage, graphql, onceKnown } from "../api.js";
import { h, index, scrollBox, show } from "../dom.js";
import { cycleName, number, t } from "../i18n.js";
import { follow } from "../live.js";
import { go } from "../navigation.js";
import * as session from "../session.js";
import { sortableTable } from "../sortable_table.js";
import { submitting } from "../submitting.js";
import {
  ASSIGN,
  CITIZEN_IMPACT,
  CLOSE_CAMPAIGN,
  CLOSE_CYCLE,
  EVALUATION,
  INSTRUMENT_VERSIONS,
  OPEN_CAMPAIGN,
  SCORECARD_CHANGED,
  SEASON,
  SEASON_SCORECARDS,
} from "../work_queries.js";
import { allAssessors } from "./assessors.js";

const RECHECK_SECONDS = 15; // the scorecards read again, when changes cannot be told

// what each region of a cycle is asked: audience and the instrument it answers
const CAMPAIGNS = [
  ["SELF_ASSESSMENT", EVALUATION],
  ["ASSESSOR", EVALUATION],
  ["CITIZEN", CITIZEN_IMPACT],
];

export async function cyclePage(page, cycleId) {
  const { cycle, rows } = await season(cycleId);
  if (!cycle) return show(page, h("h1", {}, t("page.missing")));
  const { ranking } = await graphql(SEASON_SCORECARDS, { cycleId });
  const cards = new Map(ranking.map((card) => [card.regionCode, card]));
  const names = new Map(rows.map((r) => [r.regionCode, r.region?.name ?? r.regionCode]));
  const open = cycle.status === "OPEN";
  const admin = session.can("run season");
  const table = overview(rows, names, cards);
  const told = h("p", { role: "status", className: "muted", id: "scorecards-told" });
  show(
    page,
    h("p", {}, h("a", { href: "#/season" }, `← ${t("season.title")}`)),
    h("h1", {}, cycleName(cycle)),
    h("p", { className: "muted" }, t(`cycleStatus.${cycle.status.toLowerCase()}`)),
    h(
      "section",
      {},
      h("h2", {}, t("season.overview")),
      open ? told : null,
      scrollBox(t("season.overview"), table.element),
    ),
    admin && open ? campaignsForm(cycleId, rows) : null,
    admin && open ? closeCampaignsForm(cycleId, rows) : null,
    admin && open ? await assignForm(cycleId, rows, names) : null,
    admin && open ? closeForm(cycleId) : null,
  );
  if (open)
    followScorecards(
      cycleId,
      cards,
      () => table.update(rows),
      told,
      () => page.isConnected,
    );
}

// The scorecard column follows each change as scoring stores it. Who cannot be told (the
// subscription is refused, or its connection fails) has the scorecards read again every
// RECHECK_SECONDS instead.
function followScorecards(cycleId, cards, redraw, told, alive) {
  const take = (found) => {
    for (const card of found) cards.set(card.regionCode, card);
    redraw();
  };
  const polled = async () => {
    show(told, t("season.scorecardsAsked", { seconds: RECHECK_SECONDS }));
    while (alive()) {
      await new Promise((resolve) => setTimeout(resolve, RECHECK_SECONDS * 1000));
      if (!alive()) return;
      const found = await graphql(SEASON_SCORECARDS, { cycleId }).catch(() => null);
      if (found) take(found.ranking);
    }
  };
  show(told, t("season.scorecardsLive"));
  const stop = follow(
    SCORECARD_CHANGED,
    { cycleId },
    {
      next: ({ scorecardChanged: change }) => take([{ regionCode: change.regionCode, ...change.scorecard }]),
      failed: () => {
        clearInterval(leaving);
        if (alive()) polled();
      },
    },
  );
  const leaving = setInterval(() => {
    if (alive()) return;
    clearInterval(leaving);
    stop();
  }, 2000);
}

async function season(cycleId) {
  let cycle = null;
  const read = async (after) => {
    const found = await onceKnown(() => graphql(SEASON, { cycleId, cycle: cycleId, after }));
    cycle = found.evaluationCycle;
    return found.seasonProgress;
  };
  const rows = await everyPage(read, (row) => row.regionCode);
  return { cycle, rows };
}

function overview(rows, names, cards) {
  const done = (row) => row.assessors.filter((a) => a.done).length;
  const table = sortableTable(
    [
      {
        key: "region",
        title: t("season.column.region"),
        value: (r) => names.get(r.regionCode) ?? r.regionCode,
      },
      {
        key: "self",
        title: t("season.column.selfAssessment"),
        value: (r) => r.selfAssessments,
        cell: (r) => (r.selfAssessments ? t("season.submitted") : t("season.notYet")),
      },
      {
        key: "assessors",
        title: t("season.column.assessors"),
        value: done,
        cell: (r) =>
          r.assessors.length
            ? t("season.assessorsDone", { done: done(r), total: r.assessors.length })
            : t("season.noneAssigned"),
      },
      {
        key: "citizens",
        title: t("season.column.citizens"),
        numeric: true,
        value: (r) => r.citizenResponses,
        cell: (r) =>
          t("season.ofTarget", { count: number(r.citizenResponses, 0), target: number(r.citizenTarget, 0) }),
      },
      {
        key: "scorecard",
        title: t("season.column.scorecard"),
        numeric: true,
        value: (r) => cards.get(r.regionCode)?.finalIndex ?? null,
        cell: (r) => {
          const card = cards.get(r.regionCode);
          return card ? `${index(card.finalIndex)} ${card.grade ?? ""}` : t("season.notYet");
        },
      },
    ],
    rows,
    { id: "season", rowProps: (r) => ({ dataset: { region: r.regionCode } }) },
  );
  return table;
}

// Opens what each region lacks of its three campaigns.
function campaignsForm(cycleId, rows) {
  const status = h("p", { role: "status", className: "muted" });
  const missing = rows.flatMap((row) =>
    CAMPAIGNS.filter(([audience]) => !row.campaigns.some((c) => c.audience === audience)).map(
      ([audience, instrumentKey]) => ({ regionCode: row.regionCode, audience, instrumentKey }),
    ),
  );
  const form = h(
    "form",
    { className: "card", id: "open-campaigns" },
    h("h2", {}, t("season.campaigns")),
    h(
      "p",
      {},
      missing.length ? t("season.campaignsMissing", { count: missing.length }) : t("season.campaignsOpen"),
    ),
    status,
    missing.length ? h("button", { type: "submit" }, t("season.openCampaigns")) : null,
  );
  form.addEventListener(
    "submit",
    submitting(form, status, async () => {
      const versions = {};
      for (const key of [EVALUATION, CITIZEN_IMPACT]) {
        versions[key] = (await graphql(INSTRUMENT_VERSIONS, { key })).instrument.version;
      }
      let opened = 0;
      for (const wanted of missing) {
        const input = { ...wanted, cycleId, instrumentVersion: versions[wanted.instrumentKey] };
        await onceKnown(() => graphql(OPEN_CAMPAIGN, { input }));
        opened += 1;
        show(status, t("season.campaignsOpening", { opened, total: missing.length }));
      }
      go(`/season/${cycleId}`, [t("season.campaignsOpened", { count: opened }), "ok"]);
    }),
  );
  return form;
}

// Ends the asking of one audience before the cycle closes (the citizens' survey period,
// say): every open campaign of that audience in the cycle is closed.
function closeCampaignsForm(cycleId, rows) {
  const open = rows.flatMap((row) => row.campaigns.filter((c) => c.status === "OPEN"));
  const audiences = CAMPAIGNS.map(([audience]) => audience).filter((a) => open.some((c) => c.audience === a));
  if (!audiences.length) return null;
  const status = h("p", { role: "status", className: "muted" });
  let chosen = audiences[0];
  const form = h(
    "form",
    { className: "card", id: "close-campaigns" },
    h("h2", {}, t("season.closeCampaigns")),
    h("p", {}, t("season.closeCampaignsHint")),
    h(
      "fieldset",
      {},
      h("legend", {}, t("season.whichAudience")),
      audiences.map((audience) =>
        h(
          "label",
          { className: "check" },
          h("input", {
            type: "radio",
            name: "audience",
            value: audience,
            checked: audience === chosen,
            onChange: () => {
              chosen = audience;
            },
          }),
          h(
            "span",
            {},
            t("season.openOfAudience", {
              audience: t(`audience.${audience.toLowerCase()}`),
              count: open.filter((c) => c.audience === audience).length,
            }),
          ),
        ),
      ),
    ),
    status,
    h("button", { type: "submit", className: "secondary" }, t("season.closeCampaignsButton")),
  );
  form.addEventListener(
    "submit",
    submitting(form, status, async () => {
      const closing = open.filter((c) => c.audience === chosen);
      for (const campaign of closing) await graphql(CLOSE_CAMPAIGN, { id: campaign.id });
      go(`/season/${cycleId}`, [t("season.campaignsClosed", { count: closing.length }), "ok"]);
    }),
  );
  return form;
}

async function assignForm(cycleId, rows, names) {
  const registry = await allAssessors();
  const status = h("p", { role: "status", className: "muted" });
  const people = registry.map((a) =>
    h(
      "label",
      { className: "check" },
      h("input", { type: "checkbox", name: "assessor", value: a.id }),
      ` ${a.name} · ${a.institution}`,
    ),
  );
  const regionBoxes = rows.map((r) =>
    h(
      "label",
      { className: "check" },
      h("input", { type: "checkbox", name: "region", value: r.regionCode }),
      h(
        "span",
        {},
        `${names.get(r.regionCode) ?? r.regionCode} (${r.regionCode})`,
        r.assessors.length
          ? h("small", { className: "muted" }, ` · ${t("season.assigned", { count: r.assessors.length })}`)
          : null,
      ),
    ),
  );
  const all = h("input", {
    type: "checkbox",
    name: "all-regions",
    onChange: (event) => {
      for (const box of form.querySelectorAll("input[name=region]")) box.checked = event.target.checked;
    },
  });
  const form = h(
    "form",
    { className: "card", id: "assign" },
    h("h2", {}, t("season.assign")),
    registry.length
      ? null
      : h("p", {}, t("season.noAssessors"), " ", h("a", { href: "#/assessors" }, t("nav.assessors"))),
    h("fieldset", {}, h("legend", {}, t("season.whichAssessors")), h("div", { className: "checks" }, people)),
    h(
      "fieldset",
      {},
      h("legend", {}, t("season.whichRegions")),
      h("label", { className: "check" }, all, ` ${t("season.allRegions")}`),
      h("div", { className: "checks" }, regionBoxes),
    ),
    status,
    h("button", { type: "submit", disabled: !registry.length }, t("season.assignButton")),
  );
  form.addEventListener(
    "submit",
    submitting(form, status, async () => {
      const checked = (name) =>
        [...form.querySelectorAll(`input[name=${name}]:checked`)].map((box) => box.value);
      const assessors = checked("assessor");
      const regions = checked("region");
      if (!assessors.length || !regions.length) throw new Error(t("season.assignPick"));
      for (const [n, regionCode] of regions.entries()) {
        await onceKnown(() => graphql(ASSIGN, { input: { regionCode, cycleId, assessors } }));
        show(status, t("season.assigning", { done: n + 1, total: regions.length }));
      }
      go(`/season/${cycleId}`, [
        t("season.assignedDone", { assessors: assessors.length, regions: regions.length }),
        "ok",
      ]);
    }),
  );
  return form;
}

function closeForm(cycleId) {
  const status = h("p", { role: "status", className: "muted" });
  const confirm = h("input", { type: "checkbox", name: "confirm", required: true });
  const form = h(
    "form",
    { className: "card", id: "close-cycle" },
    h("h2", {}, t("season.close")),
    h("p", {}, t("season.closeHint")),
    h("label", { className: "check" }, confirm, ` ${t("season.closeConfirm")}`),
    status,
    h("button", { type: "submit", className: "danger" }, t("season.closeButton")),
  );
  form.addEventListener(
    "submit",
    submitting(form, status, async () => {
      await graphql(CLOSE_CYCLE, { id: cycleId });
      go(`/season/${cycleId}`, [t("season.closed"), "ok"]);
    }),
  );
  return form;
}
