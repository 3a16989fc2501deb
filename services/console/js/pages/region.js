// A region's scorecard for a cycle: where it stands, why, and what the assessors found.

import { download, partial } from "../api.js";
import { h, index, scrollBox, show, signed, when } from "../dom.js";
import { cohortName, cycleName, language, number, t } from "../i18n.js";
import { improvementSection } from "../improvement.js";
import { REGION_PAGE } from "../queries.js";
import { radarChart } from "../radar.js";

export async function regionPage(page, code, cycleId) {
  const { data, errors } = await partial(REGION_PAGE, { code, cycleId, cycle: cycleId });
  const { region, scorecard: card, findings, evaluationCycle: cycle } = data;
  const title = region ? `${region.name} (${region.code})` : code;
  if (!card) {
    return show(
      page,
      h("h1", {}, title),
      h("p", {}, t("region.noneReadable")),
      h("p", {}, h("a", { href: `#/scorecards/${cycleId}` }, t("region.backToRanking"))),
    );
  }
  const findingsRefused = errors.some((e) => e.field?.startsWith("findings"));
  const published = card.source === "PUBLISHED";
  show(
    page,
    h("p", {}, h("a", { href: `#/scorecards/${cycleId}` }, `← ${t("region.ranking", { year: card.year })}`)),
    h("h1", {}, title),
    h(
      "p",
      { className: "muted" },
      [
        region?.kind && t(`kind.${region.kind.toLowerCase()}`),
        region?.province,
        cycle ? cycleName(cycle) : `${cohortName(card.cohort)} · ${t("region.cycle", { year: card.year })}`,
      ]
        .filter(Boolean)
        .join(" · "),
    ),
    card.source === "PUBLISHED"
      ? h("p", { className: "muted", id: "published" }, t("region.published", { document: card.document }))
      : null,
    letterButton(card),
    h(
      "div",
      { className: "summary" },
      tile(t("region.final"), index(card.finalIndex), card.grade ?? ""),
      tile(
        t("region.rank"),
        card.rank ?? "–",
        card.rankInCohort ? t("region.rankInCohort", { rank: card.rankInCohort }) : "",
      ),
      tile(
        t("region.change"),
        signed(card.improvement),
        card.previousFinalIndex === null
          ? t("region.noEarlier")
          : t("region.from", { previous: index(card.previousFinalIndex) }),
        "change",
      ),
      published
        ? tile(t("region.source"), t("region.publishedSource"), card.document)
        : tile(
            t("region.ruleSet"),
            `v${card.rulesetVersion}`,
            t("region.revision", { revision: card.revision, when: when(card.computedAt) }),
          ),
    ),
    card.failure
      ? h("p", { className: "error", role: "alert" }, t("region.failure", { failure: card.failure }))
      : null,
    h(
      "div",
      { className: "columns" },
      h(
        "section",
        {},
        h("h2", {}, t("region.dimensions")),
        scrollBox(t("region.dimensions"), dimensionsTable(card)),
      ),
      card.smartDimensions.length === 0
        ? null
        : h(
            "section",
            {},
            h("h2", {}, t("region.smartDimensions")),
            radarChart(
              card.smartDimensions.map((d) => ({ label: t(`smart.${d.dimension}`), value: d.score })),
            ),
          ),
    ),
    h(
      "section",
      { id: "flags" },
      h("h2", {}, t("region.flags")),
      card.flags.length
        ? h(
            "ul",
            { className: "flags" },
            card.flags.map((f) =>
              h(
                "li",
                { className: f.severity },
                h("span", { className: `badge ${f.severity}` }, t(`severity.${f.severity}`)),
                " ",
                f.message,
                h("span", { className: "muted" }, ` (${f.ruleId})`),
              ),
            ),
          )
        : h("p", { className: "muted" }, t("region.noFlags")),
    ),
    h(
      "section",
      { id: "recommendations" },
      h("h2", {}, t("region.recommendations")),
      card.recommendations.length
        ? h(
            "ul",
            {},
            card.recommendations.map((r) =>
              h(
                "li",
                {},
                r.text,
                h(
                  "span",
                  { className: "muted" },
                  ` (${[r.dimension && t(`dimension.${r.dimension}`), r.ruleId].filter(Boolean).join(", ")})`,
                ),
              ),
            ),
          )
        : h("p", { className: "muted" }, t("region.noRecommendations")),
    ),
    h(
      "section",
      { id: "explanation" },
      h("h2", {}, t("region.why")),
      card.explanation.length
        ? h(
            "ol",
            { className: "explanation" },
            card.explanation.map((f) =>
              h(
                "li",
                {},
                h("strong", {}, f.ruleId),
                " ",
                f.description,
                f.effects.length
                  ? h(
                      "ul",
                      {},
                      f.effects.map((e) => h("li", {}, e)),
                    )
                  : null,
                h(
                  "details",
                  {},
                  h("summary", {}, t("region.matched")),
                  h("pre", {}, JSON.stringify(f.matched, null, 2)),
                ),
              ),
            ),
          )
        : h("p", { className: "muted" }, t("region.noRuleFired")),
    ),
    published ? null : improvementSection(code, cycleId),
    h(
      "section",
      { id: "findings" },
      h("h2", {}, t("region.findings")),
      findingsSection(findings, findingsRefused),
    ),
    h(
      "section",
      { id: "campaigns" },
      h("h2", {}, t("region.campaigns")),
      scrollBox(t("region.campaigns"), campaignsTable(region)),
    ),
    published
      ? null
      : h(
          "p",
          { className: "muted" },
          t("region.counted", {
            scores: number(card.counted.assessorScores, 0),
            citizens: number(card.counted.citizenResponses, 0),
            programs: number(card.counted.programs, 0),
          }),
        ),
  );
}

// The results letter the ministry sends the region, as a PDF download.
function letterButton(card) {
  const status = h("span", { className: "muted", role: "status" });
  const button = h("button", { type: "button", id: "letter" }, t("region.letter"));
  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = t("region.preparingLetter");
    try {
      // in the console's language: Bahasa Indonesia, as the ministry sends it, or English
      const { blob, name } = await download(`${card.letterUrl}?language=${language()}`);
      const link = h("a", { href: URL.createObjectURL(blob), download: name });
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
      status.textContent = "";
    } catch (error) {
      status.textContent = error.message;
    } finally {
      button.disabled = false;
    }
  });
  return h("p", {}, button, " ", status);
}

function tile(label, value, note, extra = "") {
  return h(
    "div",
    { className: `tile ${extra}` },
    h("span", { className: "label" }, label),
    h("strong", {}, String(value)),
    h("span", { className: "muted" }, note),
  );
}

function dimensionsTable(card) {
  return h(
    "table",
    { className: "grid", id: "dimensions" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["dimension", "score", "weight", "items", "adjusted"].map((key) =>
          h("th", {}, t(`region.column.${key}`)),
        ),
      ),
    ),
    h(
      "tbody",
      {},
      card.dimensions.map((d) =>
        h(
          "tr",
          {},
          h("td", {}, t(`dimension.${d.dimension}`)),
          h("td", { className: "number" }, index(d.score)),
          h("td", { className: "number" }, `${d.weight}%`),
          h("td", { className: "number" }, d.items ? `${d.scoredItems} / ${d.items}` : "–"),
          h("td", { className: "number" }, d.adjustedBy ? signed(d.adjustedBy) : "–"),
        ),
      ),
    ),
  );
}

// The survey campaigns the cycle's scores were counted from, each by its name.
function campaignsTable(region) {
  if (!region?.campaigns?.length) return h("p", { className: "muted" }, t("region.noCampaigns"));
  return h(
    "table",
    { className: "grid" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["campaign", "instrument", "status"].map((key) => h("th", {}, t(`region.campaignColumn.${key}`))),
      ),
    ),
    h(
      "tbody",
      {},
      region.campaigns.map((c) =>
        h(
          "tr",
          { title: c.id },
          h("td", {}, `${t(`audience.${c.audience.toLowerCase()}`)} · ${cycleName(c.cycle)}`),
          h("td", {}, `${c.instrumentKey} v${c.instrumentVersion}`),
          h("td", {}, t(`status.${c.status.toLowerCase()}`)),
        ),
      ),
    ),
  );
}

function findingsSection(findings, refused) {
  if (refused) return h("p", { className: "muted" }, t("region.findingsClosed"));
  if (!findings?.length) return h("p", { className: "muted" }, t("region.noFindings"));
  return findings.map((f) =>
    h(
      "article",
      { className: "finding" },
      h("h3", {}, f.author ? `${f.author.name} (${f.author.institution})` : f.assessor),
      [
        [t("region.strengths"), f.strengths],
        [t("region.weaknesses"), f.weaknesses],
        [t("region.recommendations"), f.recommendations],
      ]
        .filter(([, items]) => items.length)
        .map(([heading, items]) => [
          h("h4", {}, heading),
          h(
            "ul",
            {},
            items.map((i) => h("li", {}, i)),
          ),
        ]),
    ),
  );
}
