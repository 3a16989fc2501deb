// One version: its document and problems, who drafted it, and what admins do with it:
// draft from it, simulate it against a cycle, activate it (an earlier one too), compare it.

import { graphql } from "../api.js";
import { codeView, problemList } from "../code.js";
import { compareForm } from "../compare_form.js";
import { h, index, select, show, signed, when } from "../dom.js";
import { cycleName, t } from "../i18n.js";
import { go } from "../navigation.js";
import { ACTIVATE, AUDIT, CYCLE_REGIONS, CYCLES, RULE_SET, RULE_SETS, SIMULATE } from "../queries.js";
import * as session from "../session.js";
import { auditTable } from "./audit.js";
import { statusBadge } from "./rulesets.js";

export async function ruleSetPage(page, id) {
  const [{ ruleSet }, { ruleSets }, { ruleSetAudit }] = await Promise.all([
    graphql(RULE_SET, { id }),
    graphql(RULE_SETS),
    graphql(AUDIT, { id }),
  ]);
  if (!ruleSet)
    return show(
      page,
      h("h1", {}, t("ruleset.missing", { id })),
      h("p", {}, h("a", { href: "#/rules" }, t("diff.allRuleSets"))),
    );
  const admin = session.can("change rules");
  const active = ruleSets.find((r) => r.status === "active");
  const others = ruleSets
    .filter((r) => r.id !== ruleSet.id)
    .map((r) => [r.id, `v${r.version} (${t(`ruleStatus.${r.status}`)})`]);
  const compareWith = active && active.id !== ruleSet.id ? active.id : others[0]?.[0];
  const simulation = h("section", { id: "simulation" });

  show(
    page,
    h(
      "div",
      { className: "heading" },
      h("h1", {}, `v${ruleSet.version} `, statusBadge(ruleSet.status)),
      h(
        "div",
        { className: "actions" },
        admin ? h("a", { className: "button", href: `#/rules/${ruleSet.id}/edit` }, t("ruleset.edit")) : null,
        admin && ruleSet.status === "valid"
          ? h(
              "button",
              { type: "button", id: "activate", onClick: () => confirmActivation(ruleSet) },
              ruleSet.version < (active?.version ?? 0) ? t("ruleset.reactivate") : t("ruleset.activate"),
            )
          : null,
      ),
    ),
    h(
      "p",
      { className: "muted" },
      t("ruleset.drafted", { name: ruleSet.name, author: ruleSet.author, when: when(ruleSet.createdAt) }),
      ruleSet.basedOn ? ` · ${t("ruleset.basedOn", { version: ruleSet.basedOn })}` : "",
    ),
    others.length
      ? compareForm(
          `${t("ruleset.compareWith")} `,
          { choices: others, chosen: compareWith, label: t("ruleset.compareLabel") },
          ruleSet.id,
        )
      : null,
    admin && ruleSet.status !== "invalid" ? await simulationForm(ruleSet, simulation) : null,
    simulation,
    h("h2", {}, t("code.document")),
    problemList(ruleSet.problems),
    codeView(ruleSet.text, ruleSet.problems),
    h("h2", {}, t("audit.title")),
    auditTable(ruleSetAudit),
  );
}

async function simulationForm(ruleSet, output) {
  const { evaluationCycles } = await graphql(CYCLES);
  if (!evaluationCycles.length) return h("p", { className: "muted" }, t("ruleset.noCycle"));
  const cycles = [...evaluationCycles]
    .sort((a, b) => b.year - a.year)
    .map((c) => [c.id, `${cycleName(c)} (${t(`status.${c.status.toLowerCase()}`)})`]);
  let cycle = cycles[0][0];
  const button = h("button", { type: "submit", id: "simulate" }, t("ruleset.simulate"));
  return h(
    "form",
    {
      className: "inline card",
      onSubmit: async (event) => {
        event.preventDefault();
        button.disabled = true;
        show(output, h("p", { className: "muted" }, t("ruleset.simulating")));
        try {
          show(output, await simulationResult(ruleSet, cycle));
        } catch (error) {
          show(
            output,
            h(
              "p",
              { className: "error", role: "alert" },
              t("ruleset.notSimulated", { reason: error.message }),
            ),
          );
        } finally {
          button.disabled = false;
        }
      },
    },
    h("strong", {}, `${t("ruleset.simulateAgainst")} `),
    select(
      cycles,
      cycle,
      (v) => {
        cycle = v;
      },
      { "aria-label": t("ranking.cycle") },
    ),
    button,
  );
}

async function simulationResult(ruleSet, cycleId) {
  const [{ simulateRuleSet }, { evaluationCycle }] = await Promise.all([
    graphql(SIMULATE, { id: ruleSet.id, cycleId }),
    graphql(CYCLE_REGIONS, { id: cycleId }),
  ]);
  const names = new Map((evaluationCycle?.regions ?? []).map((r) => [r.code, r.name]));
  const movers = [...simulateRuleSet].sort(
    (a, b) =>
      Math.abs(b.change) - Math.abs(a.change) ||
      Math.abs(b.rankChange) - Math.abs(a.rankChange) ||
      a.regionCode.localeCompare(b.regionCode),
  );
  const changed = movers.filter((m) => m.change !== 0 || m.rankChange !== 0).length;
  return [
    h("h2", {}, t("ruleset.simulated", { cycle: evaluationCycle ? cycleName(evaluationCycle) : cycleId })),
    h("p", {}, t("ruleset.wouldChange", { changed, total: movers.length })),
    h(
      "table",
      { className: "grid", id: "movers" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["region", "oldIndex", "newIndex", "change", "oldRank", "newRank", "rankChange", "rules"].map(
            (key) => h("th", {}, t(`ruleset.column.${key}`)),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        movers.map((m) =>
          h(
            "tr",
            { dataset: { region: m.regionCode }, className: m.failure ? "failed" : null },
            h(
              "td",
              {},
              h("a", { href: `#/regions/${m.regionCode}/${cycleId}` }, m.regionCode),
              " ",
              names.get(m.regionCode) ?? "",
            ),
            h("td", { className: "number" }, index(m.oldFinalIndex)),
            h("td", { className: "number" }, index(m.newFinalIndex)),
            h(
              "td",
              { className: `number ${m.change < 0 ? "down" : m.change > 0 ? "up" : ""}` },
              signed(m.change),
            ),
            h("td", { className: "number" }, m.oldRank ?? "–"),
            h("td", { className: "number" }, m.newRank ?? "–"),
            h(
              "td",
              { className: `number ${m.rankChange > 0 ? "up" : m.rankChange < 0 ? "down" : ""}` },
              signed(m.rankChange, 0),
            ),
            h(
              "td",
              {},
              m.failure
                ? h("span", { className: "error" }, m.failure)
                : [
                    m.newlyFiring.length ? t("ruleset.fires", { rules: m.newlyFiring.join(", ") }) : null,
                    m.newlyFiring.length && m.noLongerFiring.length ? "; " : null,
                    m.noLongerFiring.length
                      ? t("ruleset.noLonger", { rules: m.noLongerFiring.join(", ") })
                      : null,
                  ],
            ),
          ),
        ),
      ),
    ),
    ruleSet.status === "valid"
      ? h(
          "p",
          {},
          h(
            "button",
            { type: "button", onClick: () => confirmActivation(ruleSet) },
            `${t("ruleset.activateVersion", { version: ruleSet.version })}…`,
          ),
        )
      : null,
  ];
}

function confirmActivation(ruleSet) {
  const confirm = h(
    "button",
    { type: "button", className: "danger", id: "confirm-activation" },
    t("ruleset.activateVersion", { version: ruleSet.version }),
  );
  const cancel = h("button", { type: "button", className: "secondary" }, t("cancel"));
  const message = h("p", { className: "error", role: "alert" });
  const dialog = h(
    "dialog",
    { className: "confirm", "aria-labelledby": "confirm-title" },
    h("h2", { id: "confirm-title" }, `${t("ruleset.activateVersion", { version: ruleSet.version })}?`),
    h("p", {}, t("ruleset.activationExplained")),
    message,
    h("div", { className: "actions" }, cancel, confirm),
  );
  cancel.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => dialog.remove());
  confirm.addEventListener("click", async () => {
    confirm.disabled = true;
    try {
      await graphql(ACTIVATE, { id: ruleSet.id });
      dialog.close();
      go(`/rules/${ruleSet.id}`, [t("ruleset.activated", { version: ruleSet.version }), "ok"]);
    } catch (error) {
      show(message, t("ruleset.notActivated", { reason: error.message }));
      confirm.disabled = false;
    }
  });
  document.body.append(dialog);
  dialog.showModal();
}
