// The enumerator's desk: the region's citizen campaigns, each sub-dimension's quota with the
// tokens issued and the answers received, and a form that issues tokens within the quota.
// Issued tokens are kept in this browser until their cards are printed.

import { drafts } from "/common/keep.js";
import { graphql } from "../api.js";
import { field, h, scrollBox, show } from "../dom.js";
import { cycleName, number, t } from "../i18n.js";
import { go } from "../navigation.js";
import * as session from "../session.js";
import { submitting } from "../submitting.js";
import { DESK, ISSUE_TOKENS } from "../work_queries.js";

const MOST_A_REQUEST = 1000;
let subNames = new Map(); // sub-dimension key -> its name, as the catalog gives it

const subName = (key) => (key ? (subNames.get(key) ?? key) : "–");

export function cardsKey(campaignId) {
  return `cards:${campaignId}`;
}

// A request that met a dropped connection is sent again under its idempotency key, so the
// quota counts it once and its tokens are for the same citizens; a changed request is new.
async function pendingRequest(campaignId, subDimension, count) {
  const key = `issuing:${campaignId}`;
  const pending = await drafts.get(key);
  if (pending?.subDimension === subDimension && pending?.count === count) return pending;
  const request = { subDimension, count, idempotencyKey: `desk-${crypto.randomUUID()}` };
  await drafts.put(key, request);
  return request;
}

export async function deskPage(page) {
  const code = session.claims().region;
  const { region, dimensions } = await graphql(DESK, { code });
  subNames = new Map(dimensions.flatMap((d) => d.subDimensions.map((s) => [s.key, s.name])));
  const citizens = (region?.campaigns ?? []).filter((c) => c.audience === "CITIZEN");
  show(
    page,
    h("h1", {}, t("desk.title", { region: region ? `${region.name} (${region.code})` : code })),
    citizens.length
      ? await Promise.all(citizens.map((c) => campaignCard(c)))
      : h("p", { className: "muted" }, t("desk.none")),
  );
}

async function campaignCard(campaign) {
  const kept = (await drafts.get(cardsKey(campaign.id))) ?? [];
  const open = campaign.status === "OPEN" && campaign.cycle.status === "OPEN";
  return h(
    "section",
    { className: "card", dataset: { campaign: campaign.id } },
    h("h2", {}, `${cycleName(campaign.cycle)} · ${campaign.instrumentKey}`),
    h("p", { className: "muted" }, t(`campaignStatus.${campaign.status.toLowerCase()}`)),
    quotaTable(campaign.quotas),
    kept.length
      ? h(
          "p",
          {},
          h(
            "a",
            { href: `#/desk/${campaign.id}/cards`, className: "button" },
            t("desk.printKept", { count: kept.length }),
          ),
        )
      : null,
    open ? issueForm(campaign, kept) : null,
  );
}

function quotaTable(quotas) {
  return scrollBox(
    t("desk.quotas"),
    h(
      "table",
      { className: "grid quotas" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["subDimension", "quota", "issued", "answered", "left"].map((key) =>
            h("th", { className: key === "subDimension" ? null : "number" }, t(`desk.column.${key}`)),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        quotas.map((q) =>
          h(
            "tr",
            { dataset: { sub: q.subDimension ?? "" } },
            h("td", {}, subName(q.subDimension)),
            [q.quota, q.issued, q.answered, q.quota - q.issued].map((n) =>
              h("td", { className: "number" }, number(n, 0)),
            ),
          ),
        ),
      ),
    ),
  );
}

function issueForm(campaign, kept) {
  const choices = campaign.quotas.filter((q) => q.quota > q.issued);
  if (!choices.length) return h("p", { className: "ok" }, t("desk.quotaFull"));
  const sub = h(
    "select",
    { name: "subDimension" },
    choices.map((q) =>
      h(
        "option",
        { value: q.subDimension ?? "" },
        `${subName(q.subDimension)} (${t("desk.left", { left: q.quota - q.issued })})`,
      ),
    ),
  );
  const count = h("input", {
    name: "count",
    type: "number",
    min: 1,
    max: MOST_A_REQUEST,
    value: 10,
    required: true,
  });
  const status = h("p", { role: "status", className: "muted" });
  const form = h(
    "form",
    { className: "inline issue" },
    field(t("desk.subDimension"), sub),
    field(t("desk.count"), count),
    h("button", { type: "submit" }, t("desk.issue")),
    status,
  );
  form.addEventListener(
    "submit",
    submitting(form, status, async () => {
      const subDimension = sub.value || null;
      const request = await pendingRequest(campaign.id, subDimension, Number(count.value));
      const input = { campaignId: campaign.id, ...request };
      const { issueRespondentTokens: tokens } = await graphql(ISSUE_TOKENS, { input });
      const issuedAt = new Date().toISOString();
      const subDimensionName = subDimension ? subName(subDimension) : null;
      const cards = [
        ...kept,
        ...tokens.map((token) => ({ token, subDimension, subDimensionName, issuedAt })),
      ];
      await drafts.put(cardsKey(campaign.id), cards);
      await drafts.remove(`issuing:${campaign.id}`);
      go(`/desk/${campaign.id}/cards`, [t("desk.issued", { count: tokens.length }), "ok"]);
    }),
  );
  return form;
}
