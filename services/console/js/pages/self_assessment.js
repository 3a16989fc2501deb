// The region's self-assessment for a cycle: the instrument section by section, a 0-4 answer
// and evidence links per question, kept in this browser as the operator types (a draft
// survives a reload or a lost connection), and submitted once every question is answered.
// The draft's key makes a submission sent twice count once.

import { drafts } from "/common/keep.js";
import { graphql } from "../api.js";
import { field, h, show, when } from "../dom.js";
import { cycleName, t } from "../i18n.js";
import { go } from "../navigation.js";
import { paintSectionTabs, sectionContent } from "../section_tabs.js";
import { refusal } from "../submitting.js";
import { SELF_ASSESSMENT_PAGE, SUBMIT_RESPONSE } from "../work_queries.js";

const SCALE = ["0", "1", "2", "3", "4"];
const SAVE_AFTER_MS = 400;

export async function selfAssessmentPage(page, campaignId) {
  const { campaign } = await graphql(SELF_ASSESSMENT_PAGE, { campaignId });
  if (!campaign) return show(page, h("h1", {}, t("page.missing")));
  const heading = [
    h("p", {}, h("a", { href: "#/workspace" }, `← ${t("nav.workspace")}`)),
    h("h1", {}, t("selfAssessment.title")),
    h("p", { className: "muted" }, `${cycleName(campaign.cycle)} · ${campaign.instrument.title}`),
  ];
  const submitted = campaign.responses[0];
  if (submitted)
    return show(
      page,
      heading,
      h(
        "p",
        { className: "ok", id: "submitted" },
        t("selfAssessment.submitted", { when: when(submitted.submittedAt) }),
      ),
    );
  const key = `self:${campaignId}`;
  const draft = (await drafts.get(key)) ?? { idempotencyKey: `self-${crypto.randomUUID()}`, answers: {} };
  const sections = campaign.instrument.sections;
  const questions = sections.flatMap((s) => s.questions);
  const state = { section: 0 };
  const saved = h("p", { id: "draft", role: "status", className: "muted" });
  const tabs = h("nav", { className: "tabs", "aria-label": t("scoring.sections") });
  const body = h("section", { id: "section" });
  const problem = h("p", { className: "error", role: "alert", id: "submit-problem" });
  let saving = null;
  const keep = () => {
    clearTimeout(saving);
    saving = setTimeout(async () => {
      await drafts.put(key, draft);
      show(saved, t("selfAssessment.draftSaved", { answered: answered(), total: questions.length }));
    }, SAVE_AFTER_MS);
  };
  const answered = () => questions.filter((q) => draft.answers[q.code]?.score !== undefined).length;
  const paintTabs = () =>
    paintSectionTabs(tabs, sections, {
      current: state.section,
      answered: (code) => draft.answers[code]?.score !== undefined,
      choose: (n) => {
        state.section = n;
        paint(true);
      },
    });
  const paint = (focus = false) => {
    const section = sections[state.section];
    paintTabs();
    show(
      body,
      sectionContent(section, (q) =>
        answerItem(q, draft.answers[q.code] ?? {}, (answer) => {
          draft.answers[q.code] = answer;
          keep();
          paintTabs();
        }),
      ),
    );
    if (focus) body.querySelector("h2").focus();
  };
  const submit = h("button", { type: "button", id: "submit-self-assessment" }, t("selfAssessment.submit"));
  submit.addEventListener("click", async () => {
    const missing = questions.length - answered();
    if (missing) return show(problem, t("selfAssessment.incomplete", { missing }));
    submit.disabled = true;
    show(problem);
    const answers = questions.map((q) => ({
      questionCode: q.code,
      score: draft.answers[q.code].score,
      evidence: draft.answers[q.code].evidence ?? [],
    }));
    try {
      await graphql(SUBMIT_RESPONSE, {
        input: { campaignId, idempotencyKey: draft.idempotencyKey, answers },
      });
      await drafts.remove(key);
      go("/workspace", [t("selfAssessment.sent"), "ok"]);
    } catch (error) {
      show(problem, error.code === "UNREACHABLE" ? t("selfAssessment.offline") : refusal(error));
      submit.disabled = false;
    }
  });
  show(
    page,
    heading,
    h("p", {}, t("selfAssessment.hint")),
    h("div", { className: "sticky" }, saved, tabs),
    body,
    h("div", { className: "card" }, problem, submit),
  );
  show(saved, t("selfAssessment.draftSaved", { answered: answered(), total: questions.length }));
  paint();
}

function answerItem(question, answer, change) {
  const id = `answer-${question.code}`;
  const score = h(
    "select",
    { id, name: question.code },
    h("option", { value: "" }, "–"),
    SCALE.map((value) => h("option", { value, selected: String(answer.score) === value }, value)),
  );
  const evidence = h("textarea", {
    id: `${id}-evidence`,
    name: `${question.code}-evidence`,
    rows: 1,
    placeholder: "https://…",
  });
  evidence.value = (answer.evidence ?? []).join("\n");
  const changed = () =>
    change({
      score: score.value === "" ? undefined : Number(score.value),
      evidence: evidence.value
        .split("\n")
        .map((line) => line.trim())
        .filter(Boolean),
    });
  score.addEventListener("change", changed);
  evidence.addEventListener("input", changed);
  return h(
    "li",
    { className: "question", dataset: { code: question.code } },
    h("label", { for: id }, h("strong", {}, question.code), " ", question.text),
    question.element ? h("small", { className: "muted" }, question.element) : null,
    h(
      "div",
      { className: "self" },
      field(t("selfAssessment.evidence"), evidence, t("programs.evidenceHint")),
    ),
    h("div", { className: "score-field" }, score),
  );
}
