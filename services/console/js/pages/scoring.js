// Scoring a region: the instrument section by section, the region's own self-assessment and
// evidence beside each question, a 0-4 score typed from the keyboard (the next question takes
// the focus). Scores are kept in the browser and sent in batches; a lost connection only
// delays them. Then the findings, and a clear "done" once every question is scored and saved.

import { graphql } from "../api.js";
import { h, show } from "../dom.js";
import { cycleName, t } from "../i18n.js";
import { scores, watch } from "../score_outbox.js";
import { paintSectionTabs, sectionContent } from "../section_tabs.js";
import * as session from "../session.js";
import { refusal, submitting } from "../submitting.js";
import { ADD_FINDING, ASSIGNMENT_OF, MY_FINDINGS, SCORING_PAGE } from "../work_queries.js";

const SCORE = /^[0-4]$/;
const KINDS = ["STRENGTH", "WEAKNESS", "RECOMMENDATION"];

export async function scoringPage(page, cycleId, regionCode) {
  const { assignments, evaluationCycle: cycle } = await graphql(ASSIGNMENT_OF, { cycleId, cycle: cycleId });
  const campaign = assignments.find((a) => a.regionCode === regionCode)?.campaign;
  if (!campaign) return show(page, h("h1", {}, regionCode), h("p", {}, t("scoring.notAssigned")));
  const data = await graphql(SCORING_PAGE, { campaignId: campaign.id, code: regionCode, cycleId });
  const sections = data.campaign.instrument.sections;
  const questions = sections.flatMap((s) => s.questions);
  const values = new Map(data.assessorScores.map((s) => [s.questionCode, s.score]));
  for (const item of await scores.items()) {
    if (item.body.campaignId === campaign.id) values.set(item.body.questionCode, item.body.score);
  }
  const selfAnswers = new Map(
    (data.selfAssessment[0]?.responses[0]?.answers ?? []).map((answer) => [answer.questionCode, answer]),
  );
  const state = { section: 0, queued: 0, refused: null };
  const saving = h("p", { id: "saving", role: "status", "aria-live": "polite" });
  const counted = h("p", { id: "scored" });
  const tabs = h("nav", { className: "tabs", "aria-label": t("scoring.sections") });
  const body = h("section", { id: "section" });
  const open = campaign.status === "OPEN" && cycle.status === "OPEN";

  const paintStatus = () => {
    const scored = questions.filter((q) => values.has(q.code)).length;
    const done = scored === questions.length && state.queued === 0 && !state.refused;
    show(counted, t("scoring.scored", { scored, questions: questions.length }));
    counted.className = done ? "ok done" : "";
    if (done) counted.append(" · ", t("scoring.done"));
    saving.className = state.refused ? "error" : state.queued ? "warn" : "muted";
    show(
      saving,
      state.refused
        ? t("scoring.refused", { reason: refusal(state.refused) })
        : state.queued
          ? t("scoring.waiting", { count: state.queued })
          : t("scoring.saved"),
    );
    paintSectionTabs(tabs, sections, {
      current: state.section,
      answered: (code) => values.has(code),
      choose: (n) => {
        state.section = n;
        paintSection();
      },
    });
  };

  const paintSection = (focusFirst = false) => {
    const section = sections[state.section];
    show(
      body,
      sectionContent(section, (q) =>
        questionItem(q, values.get(q.code), selfAnswers.get(q.code), open, onScore),
      ),
      h(
        "div",
        { className: "actions" },
        state.section > 0
          ? h(
              "button",
              { type: "button", className: "secondary", onClick: () => move(-1) },
              t("scoring.previous"),
            )
          : null,
        state.section < sections.length - 1
          ? h("button", { type: "button", onClick: () => move(1) }, t("scoring.next"))
          : null,
      ),
    );
    paintStatus();
    if (focusFirst) body.querySelector("h2").focus();
  };
  const move = (step) => {
    state.section += step;
    paintSection(true);
  };

  async function onScore(question, input) {
    const value = input.value.trim();
    if (!SCORE.test(value)) {
      input.setAttribute("aria-invalid", "true");
      return;
    }
    input.removeAttribute("aria-invalid");
    values.set(question.code, Number(value));
    state.refused = null;
    state.queued += 1; // waiting from now: never "saved" before the outbox has it
    paintStatus();
    const inputs = [...body.querySelectorAll("input.score")];
    inputs[inputs.indexOf(input) + 1]?.focus();
    await scores.add(`${campaign.id}:${question.code}`, {
      campaignId: campaign.id,
      questionCode: question.code,
      score: Number(value),
    });
  }

  watch(page, {
    changed: (queued) => {
      state.queued = queued.filter((item) => item.body.campaignId === campaign.id).length;
      paintStatus();
    },
    refused: (_bodies, error) => {
      state.refused = error;
      paintStatus();
    },
  });
  show(
    page,
    h("p", {}, h("a", { href: "#/assess" }, `← ${t("workbench.title")}`)),
    h("h1", {}, `${data.region?.name ?? regionCode} (${regionCode})`),
    h("p", { className: "muted" }, `${cycleName(cycle)} · ${data.campaign.instrument.title}`),
    open ? null : h("p", { className: "warn" }, t("scoring.closed")),
    h("div", { className: "sticky" }, counted, saving, tabs),
    body,
    await findingsEditor(regionCode, cycleId, open),
  );
  paintSection();
  state.queued = (await scores.items()).filter((item) => item.body.campaignId === campaign.id).length;
  paintStatus();
  scores.flush();
}

function questionItem(question, value, selfAnswer, open, onScore) {
  const id = `score-${question.code}`;
  const input = h("input", {
    id,
    className: "score",
    name: question.code,
    inputmode: "numeric",
    autocomplete: "off",
    maxlength: 1,
    pattern: "[0-4]",
    value: value ?? "",
    disabled: !open,
    "aria-describedby": `${id}-self`,
  });
  input.addEventListener("input", () => onScore(question, input));
  return h(
    "li",
    { className: "question", dataset: { code: question.code } },
    h("label", { for: id }, h("strong", {}, question.code), " ", question.text),
    question.element ? h("small", { className: "muted" }, question.element) : null,
    h("div", { className: "self", id: `${id}-self` }, selfAssessment(selfAnswer)),
    h("div", { className: "score-field" }, h("span", { "aria-hidden": "true" }, t("scoring.score")), input),
  );
}

// The region's own answer to the question, with its evidence: links open only on http(s).
function selfAssessment(answer) {
  if (!answer) return h("span", { className: "muted" }, t("scoring.noSelfAssessment"));
  const given = answer.score ?? answer.text ?? "–";
  return [
    h("span", {}, t("scoring.selfAssessment", { answer: given })),
    answer.evidence.length
      ? h(
          "ul",
          { className: "evidence" },
          answer.evidence.map((link) =>
            h(
              "li",
              {},
              /^https?:\/\//i.test(link)
                ? h("a", { href: link, rel: "noopener noreferrer", target: "_blank" }, link)
                : link,
            ),
          ),
        )
      : null,
  ];
}

async function findingsEditor(regionCode, cycleId, open) {
  const me = session.claims().sub;
  const { findings } = await graphql(MY_FINDINGS, { code: regionCode, cycleId });
  const mine = findings.find((f) => f.assessor === me) ?? {
    strengths: [],
    weaknesses: [],
    recommendations: [],
  };
  const lists = {
    STRENGTH: mine.strengths,
    WEAKNESS: mine.weaknesses,
    RECOMMENDATION: mine.recommendations,
  };
  const section = h("section", { id: "findings", className: "card" });
  const paint = () =>
    show(
      section,
      h("h2", {}, t("scoring.findings")),
      KINDS.map((kind) =>
        h(
          "div",
          { className: "finding-kind", dataset: { kind } },
          h("h3", {}, t(`finding.${kind.toLowerCase()}`)),
          lists[kind].length
            ? h(
                "ul",
                {},
                lists[kind].map((text) => h("li", {}, text)),
              )
            : h("p", { className: "muted" }, t("scoring.noFindings")),
          open ? findingForm(kind) : null,
        ),
      ),
    );
  const findingForm = (kind) => {
    const id = `finding-${kind.toLowerCase()}`;
    const text = h("textarea", { id, name: id, rows: 2, maxlength: 5000, required: true });
    const status = h("p", { role: "status", className: "muted" });
    const form = h(
      "form",
      { className: "finding-form" },
      h("label", { for: id, className: "visually-hidden" }, t(`finding.${kind.toLowerCase()}`)),
      text,
      status,
      h("button", { type: "submit", className: "secondary" }, t("scoring.addFinding")),
    );
    form.addEventListener(
      "submit",
      submitting(form, status, async () => {
        await graphql(ADD_FINDING, { input: { regionCode, cycleId, kind, text: text.value } });
        if (!lists[kind].includes(text.value)) lists[kind].push(text.value);
        paint();
        section.querySelector(`[data-kind=${kind}] textarea`)?.focus();
      }),
    );
    return form;
  };
  paint();
  return section;
}
