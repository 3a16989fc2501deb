// An instrument shown a section at a time: its sections as tabs, each with how many of its
// questions are answered and the one shown marked current (choosing one draws it), and the
// section itself, its questions each drawn by the page.

import { h, show } from "./dom.js";

// The buttons are made once and brought up to date in place: the page repaints its tabs at
// every change of what is saved, and a button replaced while it is pressed (between the mouse
// going down and up) loses the click, or while it has the focus loses the keyboard's place.
const choosers = new WeakMap();

export function paintSectionTabs(tabs, sections, { current, answered, choose }) {
  choosers.set(tabs, choose);
  if (tabs.children.length !== sections.length) {
    show(
      tabs,
      sections.map((_, n) =>
        h("button", { type: "button", className: "tab", onClick: () => choosers.get(tabs)(n) }),
      ),
    );
  }
  sections.forEach((section, n) => {
    const button = tabs.children[n];
    const count = section.questions.filter((q) => answered(q.code)).length;
    const text = `${section.code} · ${count}/${section.questions.length}`;
    if (button.textContent !== text) button.textContent = text;
    if (n === current) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
  });
}

// The section's heading (focusable, for the keyboard to land on) and its questions.
export function sectionContent(section, questionItem) {
  return [
    h("h2", { tabindex: "-1" }, `${section.code}. ${section.title}`),
    h("ol", { className: "questions" }, section.questions.map(questionItem)),
  ];
}
