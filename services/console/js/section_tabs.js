// An instrument shown a section at a time: its sections as tabs, each with how many of its
// questions are answered and the one shown marked current (choosing one draws it), and the
// section itself, its questions each drawn by the page.

import { h, show } from "./dom.js";

export function paintSectionTabs(tabs, sections, { current, answered, choose }) {
  show(
    tabs,
    sections.map((section, n) =>
      h(
        "button",
        {
          type: "button",
          className: "tab",
          "aria-current": n === current ? "true" : null,
          onClick: () => choose(n),
        },
        `${section.code} · ${section.questions.filter((q) => answered(q.code)).length}/${section.questions.length}`,
      ),
    ),
  );
}

// The section's heading (focusable, for the keyboard to land on) and its questions.
export function sectionContent(section, questionItem) {
  return [
    h("h2", { tabindex: "-1" }, `${section.code}. ${section.title}`),
    h("ol", { className: "questions" }, section.questions.map(questionItem)),
  ];
}
