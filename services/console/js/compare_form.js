// The form that opens the line diff between two rule set versions. Each side is either a
// version id, fixed, or { choices, chosen, label }: a select to pick it with.

import { h, select } from "./dom.js";
import { t } from "./i18n.js";
import { go } from "./navigation.js";

export function compareForm(lead, older, newer) {
  const picked = {};
  const side = (key, part) => {
    if (typeof part === "string") {
      picked[key] = part;
      return null;
    }
    picked[key] = part.chosen;
    const pick = (value) => {
      picked[key] = value;
    };
    return select(part.choices, part.chosen, pick, { "aria-label": part.label });
  };
  const onSubmit = (event) => {
    event.preventDefault();
    go(`/rules/diff/${picked.older}/${picked.newer}`);
  };
  const newerPicker = side("newer", newer);
  return h(
    "form",
    { className: "inline", onSubmit },
    lead,
    side("older", older),
    newerPicker ? [` ${t("compare.with")} `, newerPicker] : null,
    h("button", { type: "submit" }, t("compare.show")),
  );
}
