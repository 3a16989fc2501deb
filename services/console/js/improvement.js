// How a region could raise its index, as scoring answers it (improvementPlan): the changes
// worth most, each scored by the rules; the fewest of them that reach a target; and a what-if
// of the user's own scores, answered as they type. The what-if's rows are kept in this tab,
// so a reload loses none of them.

import { graphql } from "./api.js";
import { field, h, index, scrollBox, show, signed } from "./dom.js";
import { t } from "./i18n.js";
import { IMPROVEMENT_CANDIDATES, IMPROVEMENT_PLAN, WHAT_IF } from "./queries.js";
import { refusal, submitting } from "./submitting.js";

const SHOWN = 10; // changes listed
const TYPING_PAUSE_MS = 400;
const SCORES = [0, 1, 2, 3, 4];

export function improvementSection(code, cycleId) {
  return h(
    "section",
    { id: "improve", "aria-labelledby": "improve-title" },
    h("h2", { id: "improve-title" }, t("improve.title")),
    h("p", { className: "muted" }, t("improve.intro")),
    candidatesPart(code, cycleId),
    planPart(code, cycleId),
    whatIfPart(code, cycleId),
  );
}

function describe(change) {
  const number = (value, digits) => (value === null ? "–" : Number(value).toFixed(digits));
  const wholeBefore = change.kind === "COMPLETE_SAMPLE";
  const wholeAfter = wholeBefore || change.kind === "SCORE_ITEM";
  const byRule = change.kind === "MEET_RULE" || change.kind === "ESCAPE_RULE"; // a fact's value as it is
  return t(`improve.change.${change.kind}`, {
    subject: change.subject,
    rule: change.rule ?? "",
    fields: (change.fields ?? []).join(", "),
    before: number(change.before, wholeBefore ? 0 : 2),
    after: byRule ? String(Number(change.after)) : number(change.after, wholeAfter ? 0 : 2),
  });
}

function candidatesPart(code, cycleId) {
  const status = h("p", { className: "muted", role: "status" });
  const result = h("div", { id: "candidates" });
  const button = h("button", { type: "button", id: "find-changes" }, t("improve.find"));
  button.addEventListener("click", async () => {
    button.disabled = true;
    show(status, t("improve.trying"));
    try {
      const { improvementPlan: found } = await graphql(IMPROVEMENT_CANDIDATES, {
        code,
        cycleId,
        first: SHOWN,
      });
      show(result, candidatesTable(found));
      show(status, found.complete ? "" : t("improve.partly", { considered: found.candidatesConsidered }));
    } catch (error) {
      status.setAttribute("role", "alert");
      show(status, refusal(error));
    } finally {
      button.disabled = false;
    }
  });
  return h("div", {}, h("h3", {}, t("improve.best")), h("p", {}, button), status, result);
}

function candidatesTable(found) {
  const columns = ["change", "index", "difference", "rank", "rules"];
  return scrollBox(
    t("improve.best"),
    h(
      "table",
      { className: "grid" },
      h(
        "caption",
        {},
        t("improve.from", { index: index(found.standing.finalIndex), grade: found.standing.grade ?? "–" }),
      ),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          columns.map((key) => h("th", { scope: "col" }, t(`improve.column.${key}`))),
        ),
      ),
      h(
        "tbody",
        {},
        found.candidates.map((c) =>
          h(
            "tr",
            {},
            h("td", {}, describe(c.change)),
            h("td", { className: "number" }, index(c.standing.finalIndex)),
            h("td", { className: "number" }, signed(c.indexChange, 4)),
            h("td", { className: "number" }, c.standing.rankInCohort),
            h("td", {}, rulesMoved(c)),
          ),
        ),
      ),
    ),
  );
}

function rulesMoved(candidate) {
  const said = [
    ...candidate.newlyFiring.map((rule) => t("improve.fires", { rule })),
    ...candidate.noLongerFiring.map((rule) => t("improve.stops", { rule })),
  ];
  return said.length ? said.join("; ") : "–";
}

function planPart(code, cycleId) {
  const status = h("p", { className: "muted", role: "status" });
  const result = h("div", { id: "plan" });
  const target = h("input", { name: "target", required: true, maxlength: 40, autocomplete: "off" });
  const form = h(
    "form",
    { id: "plan-form" },
    field(t("improve.target"), target, t("improve.targetHint")),
    h("button", { type: "submit" }, t("improve.plan")),
  );
  form.addEventListener(
    "submit",
    submitting(form, status, async () => {
      const { improvementPlan: found } = await graphql(IMPROVEMENT_PLAN, {
        code,
        cycleId,
        target: target.value,
      });
      show(result, planSteps(found.plan));
      return "";
    }),
  );
  return h("div", {}, h("h3", {}, t("improve.planTitle")), form, status, result);
}

function planSteps(plan) {
  const ending = t(`improve.ending.${plan.ending}`, { target: plan.target, count: plan.steps.length });
  return [
    h("p", { id: "plan-ending", className: plan.reached ? "ok" : "error" }, ending),
    plan.steps.length
      ? h(
          "ol",
          { id: "plan-steps" },
          plan.steps.map((step) =>
            h(
              "li",
              {},
              describe(step.change),
              h(
                "span",
                { className: "muted" },
                ` → ${t("improve.after", {
                  index: index(step.standing.finalIndex),
                  grade: step.standing.grade ?? "–",
                  rank: step.standing.rankInCohort,
                })}`,
              ),
            ),
          ),
        )
      : null,
  ];
}

function whatIfPart(code, cycleId) {
  const key = `smartcity.whatIf.${code}.${cycleId}`;
  const rows = JSON.parse(sessionStorage.getItem(key) ?? "[]");
  const list = h("ul", { id: "what-if-rows", className: "plain" });
  const result = h("p", { id: "what-if-result", role: "status", "aria-live": "polite" });
  let pause = null;
  let asked = 0;

  const keep = () => sessionStorage.setItem(key, JSON.stringify(rows));
  const ask = () => {
    clearTimeout(pause);
    pause = setTimeout(async () => {
      const scores = rows
        .filter((r) => r.questionCode.trim())
        .map((r) => ({ ...r, questionCode: r.questionCode.trim() }));
      const mine = ++asked; // an older answer arriving late is not shown over a newer one
      try {
        const { improvementPlan: found } = await graphql(WHAT_IF, { code, cycleId, scores });
        if (mine === asked) show(result, whatIfSaid(found.standing));
        result.className = "";
      } catch (error) {
        if (mine === asked) show(result, refusal(error));
        result.className = "error";
      }
    }, TYPING_PAUSE_MS);
  };
  const draw = () => {
    show(
      list,
      rows.map((row, number) =>
        whatIfRow(row, number, {
          keep,
          ask,
          remove: () => {
            rows.splice(number, 1);
            keep();
            draw();
            ask();
          },
        }),
      ),
    );
  };
  const add = h("button", { type: "button", id: "what-if-add" }, t("improve.addScore"));
  add.addEventListener("click", () => {
    rows.push({ questionCode: "", score: 4 });
    keep();
    draw();
    list.querySelector("li:last-child input")?.focus();
  });
  draw();
  if (rows.length) ask();
  return h(
    "div",
    {},
    h("h3", {}, t("improve.whatIf")),
    h("p", { className: "muted" }, t("improve.whatIfIntro")),
    list,
    h("p", {}, add),
    result,
  );
}

function whatIfRow(row, number, { keep, ask, remove }) {
  const code = h("input", {
    name: "questionCode",
    value: row.questionCode,
    maxlength: 40,
    autocomplete: "off",
  });
  code.addEventListener("input", () => {
    row.questionCode = code.value;
    keep();
    ask();
  });
  const score = h(
    "select",
    { name: "score" },
    SCORES.map((value) => h("option", { value, selected: value === row.score }, String(value))),
  );
  score.addEventListener("change", () => {
    row.score = Number(score.value);
    keep();
    ask();
  });
  const drop = h(
    "button",
    { type: "button", "aria-label": t("improve.removeScore", { number: number + 1 }) },
    "×",
  );
  drop.addEventListener("click", remove);
  return h(
    "li",
    { className: "what-if-row" },
    field(t("improve.question"), code),
    field(t("improve.score"), score),
    drop,
  );
}

function whatIfSaid(standing) {
  const said = t("improve.after", {
    index: index(standing.finalIndex),
    grade: standing.grade ?? "–",
    rank: standing.rankInCohort,
  });
  const rules = standing.rulesFired.length
    ? t("improve.rulesFired", { rules: standing.rulesFired.join(", ") })
    : "";
  return [said, rules ? ` ${rules}` : ""];
}
