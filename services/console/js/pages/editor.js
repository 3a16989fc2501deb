// Editing a new draft: the document highlighted, checked as it is typed, each problem at its
// line; saving stores a new version (rule sets are immutable once drafted).

import { graphql } from "../api.js";
import { codeEditor, problemList } from "../code.js";
import { h, show } from "../dom.js";
import { go } from "../navigation.js";
import { DRAFT, RULE_SET, RULE_SETS, VALIDATE } from "../queries.js";

const PAUSE_MS = 350; // checked once typing pauses

export async function editorPage(page, id) {
  const base = id ?? (await graphql(RULE_SETS)).ruleSets.find((r) => r.status === "active")?.id;
  const { ruleSet } = base ? await graphql(RULE_SET, { id: base }) : { ruleSet: null };
  const problemsPanel = h("div", { className: "problems-panel" });
  const state = h("span", { className: "state", id: "validity", "aria-live": "polite" });
  const saveButton = h("button", { type: "button", id: "save-draft" }, "Save as draft");
  const editor = codeEditor(ruleSet?.text ?? "", () => schedule());

  let timer = null;
  let checked = 0; // answers to earlier checks are dropped when a later one was sent
  const schedule = () => {
    clearTimeout(timer);
    show(state, "Checking…");
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
      show(state, count ? `${count} problem${count > 1 ? "s" : ""}` : "Valid");
      state.className = count ? "state invalid" : "state valid";
    } catch (error) {
      if (ticket === checked) show(state, `Not checked: ${error.message}`);
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
          ? [
              `Saved as v${draftRuleSet.version}, with problems: it cannot be activated until they are fixed.`,
              "error",
            ]
          : [`Saved as draft v${draftRuleSet.version}.`, "ok"];
      go(`/rules/${draftRuleSet.id}`, saved);
    } catch (error) {
      show(state, `Not saved: ${error.message}`);
      state.className = "state invalid";
      saveButton.disabled = false;
    }
  });

  show(
    page,
    h(
      "div",
      { className: "heading" },
      h("h1", {}, ruleSet ? `New draft from v${ruleSet.version}` : "New rule set"),
      h(
        "div",
        { className: "actions" },
        state,
        saveButton,
        h("a", { href: ruleSet ? `#/rules/${ruleSet.id}` : "#/rules" }, "Cancel"),
      ),
    ),
    h(
      "p",
      { className: "muted" },
      "Versions never change once saved: saving stores the next version as a draft, to simulate and activate.",
    ),
    editor.element,
    problemsPanel,
  );
  check();
}
