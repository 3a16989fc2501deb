// A region's scorecard for a cycle: where it stands, why, and what the assessors found.

import { download, partial } from "../api.js";
import { h, index, show, signed, when } from "../dom.js";
import { REGION_PAGE } from "../queries.js";
import { radarChart } from "../radar.js";

const words = (text) => text.replace(/_/g, " ");

export async function regionPage(page, code, cycleId) {
  const { data, errors } = await partial(REGION_PAGE, { code, cycleId });
  const { region, scorecard: card, findings } = data;
  const title = region ? `${region.name} (${region.code})` : code;
  if (!card) {
    return show(
      page,
      h("h1", {}, title),
      h("p", {}, `No scorecard of ${cycleId} for this region is yours to read.`),
      h("p", {}, h("a", { href: `#/scorecards/${cycleId}` }, "Back to the ranking")),
    );
  }
  const findingsRefused = errors.some((e) => e.field?.startsWith("findings"));
  show(
    page,
    h("p", {}, h("a", { href: `#/scorecards/${cycleId}` }, `← Ranking of ${cycleId}`)),
    h("h1", {}, title),
    h(
      "p",
      { className: "muted" },
      [region?.kind, region?.province, words(card.cohort), `cycle ${card.year}`].filter(Boolean).join(" · "),
    ),
    card.source === "PUBLISHED"
      ? h("p", { className: "muted", id: "published" }, `Published result, from ${card.document}`)
      : null,
    letterButton(card),
    h(
      "div",
      { className: "summary" },
      tile("Final index", index(card.finalIndex), card.grade ?? ""),
      tile("Rank", card.rank ?? "–", card.rankInCohort ? `${card.rankInCohort} in cohort` : ""),
      tile(
        "Change from last cycle",
        signed(card.improvement),
        card.previousFinalIndex === null ? "no earlier cycle" : `from ${index(card.previousFinalIndex)}`,
        "change",
      ),
      tile("Rule set", `v${card.rulesetVersion}`, `revision ${card.revision} · ${when(card.computedAt)}`),
    ),
    card.failure ? h("p", { className: "error", role: "alert" }, `Rules failed: ${card.failure}`) : null,
    h(
      "div",
      { className: "columns" },
      h("section", {}, h("h2", {}, "Evaluation dimensions"), dimensionsTable(card)),
      h(
        "section",
        {},
        h("h2", {}, "Smart city dimensions"),
        radarChart(card.smartDimensions.map((d) => ({ label: words(d.dimension), value: d.score }))),
      ),
    ),
    h(
      "section",
      { id: "flags" },
      h("h2", {}, "Flags"),
      card.flags.length
        ? h(
            "ul",
            { className: "flags" },
            card.flags.map((f) =>
              h(
                "li",
                { className: f.severity },
                h("span", { className: `badge ${f.severity}` }, f.severity),
                " ",
                f.message,
                h("span", { className: "muted" }, ` (${f.ruleId})`),
              ),
            ),
          )
        : h("p", { className: "muted" }, "No flags."),
    ),
    h(
      "section",
      { id: "recommendations" },
      h("h2", {}, "Recommendations"),
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
                  ` (${[r.dimension && words(r.dimension), r.ruleId].filter(Boolean).join(", ")})`,
                ),
              ),
            ),
          )
        : h("p", { className: "muted" }, "No recommendations."),
    ),
    h(
      "section",
      { id: "explanation" },
      h("h2", {}, "Why: the rules that fired"),
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
                  h("summary", {}, "Matched facts"),
                  h("pre", {}, JSON.stringify(f.matched, null, 2)),
                ),
              ),
            ),
          )
        : h("p", { className: "muted" }, "No rule fired."),
    ),
    h(
      "section",
      { id: "findings" },
      h("h2", {}, "Assessors' findings"),
      findingsSection(findings, findingsRefused),
    ),
    h(
      "p",
      { className: "muted" },
      `Counted ${card.counted.assessorScores} assessor scores, ${card.counted.citizenResponses} citizen responses, ${card.counted.programs} programs.`,
    ),
  );
}

// The results letter the ministry sends the region, as a PDF download.
function letterButton(card) {
  const status = h("span", { className: "muted", role: "status" });
  const button = h("button", { type: "button", id: "letter" }, "Download the results letter (PDF)");
  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = "Preparing the letter…";
    try {
      const { blob, name } = await download(card.letterUrl);
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
        ["Dimension", "Score", "Weight", "Items scored", "Adjusted by rules"].map((t) => h("th", {}, t)),
      ),
    ),
    h(
      "tbody",
      {},
      card.dimensions.map((d) =>
        h(
          "tr",
          {},
          h("td", {}, words(d.dimension)),
          h("td", { className: "number" }, index(d.score)),
          h("td", { className: "number" }, `${d.weight}%`),
          h("td", { className: "number" }, `${d.scoredItems} / ${d.items}`),
          h("td", { className: "number" }, d.adjustedBy ? signed(d.adjustedBy) : "–"),
        ),
      ),
    ),
  );
}

function findingsSection(findings, refused) {
  if (refused)
    return h("p", { className: "muted" }, "Findings are not yours to read until the cycle closes.");
  if (!findings?.length) return h("p", { className: "muted" }, "No findings written.");
  return findings.map((f) =>
    h(
      "article",
      { className: "finding" },
      h("h3", {}, f.author ? `${f.author.name} (${f.author.institution})` : f.assessor),
      [
        ["Strengths", f.strengths],
        ["Weaknesses", f.weaknesses],
        ["Recommendations", f.recommendations],
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
