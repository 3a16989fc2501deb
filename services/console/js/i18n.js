// The console's words in Bahasa Indonesia (the default) or English, the choice kept in this
// browser; numbers and dates as the chosen language writes them (id-ID or en-GB).

const KEY = "smartcity.console.language";
export const LANGUAGES = { id: "Bahasa Indonesia", en: "English" };
const LOCALES = { id: "id-ID", en: "en-GB" };

let current = "id";
let messages = {};

export function language() {
  return current;
}

// Reads the chosen language's catalogue; the console draws nothing before it is read.
export async function loadLanguage() {
  const chosen = localStorage.getItem(KEY);
  current = Object.hasOwn(LANGUAGES, chosen ?? "") ? chosen : "id";
  const response = await fetch(new URL(`../i18n/${current}.json`, import.meta.url));
  messages = await response.json();
  document.documentElement.lang = current;
}

export function chooseLanguage(chosen) {
  localStorage.setItem(KEY, chosen);
  window.location.reload();
}

// The message `key` with its `{name}` placeholders filled from `values`.
export function t(key, values = {}) {
  const text = messages[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

export function number(value, digits = 2) {
  return new Intl.NumberFormat(LOCALES[current], {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}

export function dateTime(iso) {
  return new Date(iso).toLocaleString(LOCALES[current], { dateStyle: "medium", timeStyle: "short" });
}

// A cycle by its name: year, stage and cohort ("2023 · Tahap II · KPPN & IKN").
export function cycleName(cycle) {
  const stage = t(`stage.${(cycle.stage ?? "").toLowerCase()}`);
  const cohort = cycle.cohort ? cohortName(cycle.cohort) : t("cohort.all");
  return `${cycle.year} · ${stage} · ${cohort}`;
}

export function cohortName(slug) {
  const key = `cohort.${slug}`;
  const known = t(key);
  return known === key ? slug.replace(/_/g, " ") : known;
}
