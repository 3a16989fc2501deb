// Building the page from data: every text goes in as text, never as markup.

import { dateTime, number } from "./i18n.js";

export function h(tag, props = {}, ...children) {
  return build(document.createElement(tag), props, children);
}

export function svg(tag, props = {}, ...children) {
  return build(document.createElementNS("http://www.w3.org/2000/svg", tag), props, children);
}

function build(element, props, children) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) element.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === "dataset") Object.assign(element.dataset, value);
    else element.setAttribute(key === "className" ? "class" : key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export function show(container, ...children) {
  container.replaceChildren(
    ...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false),
  );
  return container;
}

export const index = (value) => (value === null || value === undefined ? "–" : number(value));

export function signed(value, digits = 2) {
  if (value === null || value === undefined) return "–";
  const text = number(value, digits);
  return value > 0 ? `+${text}` : text;
}

export const when = (iso) => (iso ? dateTime(iso) : "–");

export function field(label, control, hint) {
  return h(
    "label",
    { className: "field" },
    h("span", {}, label),
    control,
    hint ? h("small", { className: "muted" }, hint) : null,
  );
}

export function select(options, value, onChange, props = {}) {
  const element = h(
    "select",
    { ...props, onChange: (event) => onChange(event.target.value) },
    options.map(([optionValue, text]) =>
      h("option", { value: optionValue, selected: optionValue === value }, text),
    ),
  );
  return element;
}

// A wide table in a box of its own that scrolls sideways on a narrow screen; focusable, so
// the keyboard scrolls it too, and named for a screen reader.
export function scrollBox(label, child) {
  return h("div", { className: "scroll", tabindex: 0, role: "region", "aria-label": label }, child);
}
