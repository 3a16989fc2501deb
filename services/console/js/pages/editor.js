// Editing a new draft: the document highlighted, checked as it is typed, each problem at its
// line; saving stores a new version (rule sets are immutable once drafted).

import { graphql } from "../api.js";
import { codeEditor, problemList } from "../code.js";
import { h, show } from "../dom.js";
import { t } from "../i18n.js";
import { go } from "../navigation.js";
import { DRAFT, RULE_SET, RULE_SETS, VALIDATE } from "../queries.js";

const PAUSE_MS = 350; // checked once typing pauses

export async function editorPage(page, id) {
  const base = id ?? (await graphql(RULE_SETS)).ruleSets.find((r) => r.status === "active")?.id;
  const { ruleSet } = base ? await graphql(RULE_SET, { id: base }) : { ruleSet: null };
  const problemsPanel = h("div", { className: "problems-panel" });
  const state = h("span", { className: "state", id: "validity", "aria-live": "polite" });
  const saveButton = h("button", { type: "button", id: "save-draft" }, t("editor.save"));
  const editor = codeEditor(ruleSet?.text ?? "", () => schedule());

  let timer = null;
  let checked = 0; // answers to earlier checks are dropped when a later one was sent
  const schedule = () => {
    clearTimeout(timer);
    show(state, t("editor.checking"));
    state.className = "state";
    timer = setTimeout(check, PAUSE_MS);
  };
  const check = async () => {
    const ticket = ++checked;
    try {
      const { validateRuleSet } = await graphql(VALIDATE, { text: editor.text() });
      if (ticket !== checked) return;
      editor.setProblems(validateRuleSet.problems);
      show(problemsPanel, problemList(validateRuleSet.problems, editor.goToLine));
      const count = validateRuleSet.problems.length;
      show(state, count ? t(count > 1 ? "editor.problems" : "editor.problem", { count }) : t("editor.valid"));
      state.className = count ? "state invalid" : "state valid";
    } catch (error) {
      if (ticket === checked) show(state, t("editor.notChecked", { reason: error.message }));
    }
  };
  saveButton.addEventListener("click", async () => {
    saveButton.disabled = true;
    try {
      const { draftRuleSet } = await graphql(DRAFT, {
        input: { text: editor.text(), basedOn: ruleSet?.version ?? null },
      });
      const saved =
        draftRuleSet.status === "invalid"
          ? [t("editor.savedInvalid", { version: draftRuleSet.version }), "error"]
          : [t("editor.saved", { version: draftRuleSet.version }), "ok"];
      go(`/rules/${draftRuleSet.id}`, saved);
    } catch (error) {
      show(state, t("editor.notSaved", { reason: error.message }));
      state.className = "state invalid";
      saveButton.disabled = false;
    }
  });

  show(
    page,
    h(
      "div",
      { className: "heading" },
      h("h1", {}, ruleSet ? t("editor.draftFrom", { version: ruleSet.version }) : t("editor.new")),
      h(
        "div",
        { className: "actions" },
        state,
        saveButton,
        h("a", { href: ruleSet ? `#/rules/${ruleSet.id}` : "#/rules" }, t("cancel")),
      ),
    ),
    h("p", { className: "muted" }, t("editor.immutable")),
    editor.element,
    problemsPanel,
  );
  check();
}
