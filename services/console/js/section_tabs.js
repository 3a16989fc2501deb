// The sections of an instrument as tabs: each with how many of its questions are answered,
// the one shown marked current; choosing one draws it.

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
