// The citizens' survey, opened from the QR code on a token card: `/survey/#t=TOKEN` (the
// fragment never reaches a server). Once opened it works offline: the questions are kept in
// the browser, answers are kept as they are given, and a submission waits in an outbox until
// the phone is online. The card's token makes the submission idempotent: a retry is counted
// once, and a used or foreign card gets a clear message.

import { drafts, isRefusal, Outbox, Unreachable } from "/common/keep.js";

const ENDPOINT = new URL("/graphql", window.location.origin).href;
const LANGUAGE_KEY = "smartcity.survey.language";
const RETRY_SECONDS = 15;
const QUESTIONS = `query($id: ID!) { campaign(id: $id) { id status instrument {
  key version title sections { questions { code text type subDimension scaleMin scaleMax options required } } } } }`;
const SUBMIT = `mutation($input: SubmitResponseInput!) { submitResponse(input: $input) { replayed } }`;

const main = document.getElementById("survey");
const connection = document.getElementById("connection");
let messages = {};
let language = "id";

function t(key, values = {}) {
  const text = messages[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) element.addEventListener(key.slice(2).toLowerCase(), value);
    else element.setAttribute(key === "className" ? "class" : key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) element.append(child);
  }
  return element;
}

function show(...children) {
  main.replaceChildren(...children.flat().filter(Boolean));
}

// The card: its token, what the token says of itself, and the key its answers are kept under.
function card() {
  const token = new URLSearchParams(window.location.hash.replace(/^#/, "")).get("t");
  if (!token) return { problem: "noToken" };
  const parts = token.split(".");
  try {
    const claims = JSON.parse(atob(parts[1].replace(/-/g, "+").replace(/_/g, "/")));
    if (parts.length !== 3 || claims.role !== "respondent" || !claims.campaign)
      return { problem: "notAToken" };
    if (claims.exp && claims.exp * 1000 <= Date.now()) return { problem: "expired" };
    // the signature: letters, digits, - and _, unique to the card, and a valid idempotency key
    return { token, claims, key: `t.${parts[2]}` };
  } catch {
    return { problem: "notAToken" };
  }
}

class Refused extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

async function post(token, query, variables) {
  let response;
  try {
    response = await fetch(ENDPOINT, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new Unreachable("offline");
  }
  const body = await response.json().catch(() => null);
  if (!body || (response.status >= 500 && !body.errors)) throw new Unreachable(`status ${response.status}`);
  const error = body.errors?.[0];
  if (error) {
    const code = error.extensions?.code;
    throw isRefusal(code) ? new Refused(error.message, code) : new Unreachable(error.message);
  }
  return body.data;
}

const stateKey = (found) => `survey:${found.key}`;

const outbox = new Outbox(
  "survey",
  async ([body]) => {
    await post(body.token, SUBMIT, { input: body.input });
    const state = (await drafts.get(body.stateKey)) ?? {};
    await drafts.put(body.stateKey, { ...state, done: true, queued: false });
  },
  {
    onRefused: async ([body], error) => {
      const state = (await drafts.get(body.stateKey)) ?? {};
      await drafts.put(body.stateKey, {
        ...state,
        queued: false,
        refusal: { code: error.code, message: error.message },
      });
    },
    onChange: () => render(),
  },
);

async function questionsOf(found) {
  const cached = `survey-instrument:${found.claims.campaign}`;
  try {
    const { campaign } = await post(found.token, QUESTIONS, { id: found.claims.campaign });
    if (campaign) await drafts.put(cached, campaign);
    return campaign;
  } catch (error) {
    if (error instanceof Unreachable) return drafts.get(cached);
    throw error;
  }
}

let rendering = Promise.resolve();

function render() {
  rendering = rendering.then(draw, draw);
  return rendering;
}

async function draw() {
  const found = card();
  if (found.problem) return show(h("p", { className: "error", role: "alert" }, t(found.problem)));
  const state = (await drafts.get(stateKey(found))) ?? { answers: {} };
  if (state.done) return show(h("h1", {}, t("thanks")), h("p", {}, t("thanksCounted")));
  if (state.refusal) return show(h("p", { className: "error", role: "alert" }, refusalText(state.refusal)));
  if (state.queued) return show(h("p", { className: "kept", role: "status" }, t("kept")));
  if (main.querySelector("form")) return; // the form in use is kept as the person fills it
  let campaign;
  try {
    campaign = await questionsOf(found);
  } catch (error) {
    return show(h("p", { className: "error", role: "alert" }, refusalText(error)));
  }
  if (!campaign) return show(h("p", { className: "error", role: "alert" }, t("offlineFirst")));
  if (campaign.status !== "OPEN") return show(h("p", { className: "error", role: "alert" }, t("closed")));
  show(form(found, campaign, state));
}

function refusalText(refusal) {
  if (refusal.code === "CONFLICT" && /closed/.test(refusal.message)) return t("closed");
  if (refusal.code === "CONFLICT") return t("used");
  if (refusal.code === "FORBIDDEN") return t("foreign");
  if (refusal.code === "UNAUTHENTICATED") return t("refusedToken", { reason: refusal.message });
  return t("refused", { reason: refusal.message });
}

function form(found, campaign, state) {
  const wanted = found.claims.sub_dimension;
  const questions = campaign.instrument.sections
    .flatMap((s) => s.questions)
    .filter((q) => !wanted || q.subDimension === wanted);
  const answers = { ...state.answers };
  const keep = () => drafts.put(stateKey(found), { ...state, answers });
  const problem = h("p", { className: "error", role: "alert", id: "missing" });
  const element = h(
    "form",
    { id: "answers", novalidate: true },
    h("h1", {}, campaign.instrument.title),
    h("p", {}, t("intro")),
    questions.map((q, n) =>
      questionField(q, n + 1, questions.length, answers[q.code], (value) => {
        if (value === null) delete answers[q.code];
        else answers[q.code] = value;
        keep();
      }),
    ),
    problem,
    h("button", { type: "submit" }, t("submit")),
  );
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    const missing = questions.filter((q) => q.required && answers[q.code] === undefined);
    if (missing.length) {
      problem.textContent = t("missing", { count: missing.length });
      element.querySelector(`[name="${missing[0].code}"]`)?.focus();
      return;
    }
    const input = {
      campaignId: found.claims.campaign,
      idempotencyKey: found.key,
      answers: questions
        .filter((q) => answers[q.code] !== undefined)
        .map((q) => ({ questionCode: q.code, ...answers[q.code] })),
    };
    await drafts.put(stateKey(found), { ...state, answers, queued: true });
    show(h("p", { className: "kept", role: "status" }, t("sending")));
    await outbox.add(found.key, { token: found.token, input, stateKey: stateKey(found) });
    render();
  });
  return element;
}

// One question as a group of choices (a scale, yes or no, options) or a field to type in.
function questionField(question, number, total, given, change) {
  const legend = h(
    "legend",
    {},
    h("span", { className: "count" }, t("question", { number, total })),
    " ",
    question.text,
  );
  const name = question.code;
  const choice = (value, label, answer, checked) =>
    h(
      "label",
      { className: "choice" },
      h("input", {
        type: "radio",
        name,
        value,
        checked,
        required: question.required,
        onChange: () => change(answer),
      }),
      h("span", {}, label),
    );
  let control;
  if (question.type === "LIKERT") {
    const low = question.scaleMin ?? 1;
    const high = question.scaleMax ?? 4;
    const labelled = low === 1 && high === 4;
    control = Array.from({ length: high - low + 1 }, (_, i) => low + i).map((score) =>
      choice(
        score,
        labelled ? `${score} · ${t(`scale.${score}`)}` : String(score),
        { score },
        given?.score === score,
      ),
    );
  } else if (question.type === "YES_NO") {
    control = [
      choice("yes", t("yes"), { yes: true }, given?.yes === true),
      choice("no", t("no"), { yes: false }, given?.yes === false),
    ];
  } else if (question.type === "SINGLE_CHOICE") {
    control = question.options.map((option) =>
      choice(option, option, { choice: option }, given?.choice === option),
    );
  } else {
    const numeric = question.type === "NUMBER";
    const input = h(numeric ? "input" : "textarea", {
      name,
      type: numeric ? "number" : null,
      rows: numeric ? null : 3,
      "aria-label": question.text,
    });
    input.value = given?.number ?? given?.text ?? "";
    input.addEventListener("input", () => {
      const value = input.value.trim();
      change(value === "" ? null : numeric ? { number: Number(value) } : { text: value });
    });
    control = [input];
  }
  return h("fieldset", { className: "question" }, legend, h("div", { className: "choices" }, control));
}

async function start() {
  const asked = localStorage.getItem(LANGUAGE_KEY);
  language = asked === "en" ? "en" : "id";
  messages = await (await fetch(new URL(`i18n/${language}.json`, import.meta.url))).json();
  document.documentElement.lang = language;
  document.title = t("title");
  document.getElementById("brand").textContent = t("brand");
  const switcher = document.getElementById("language");
  switcher.textContent = t("otherLanguage");
  switcher.setAttribute("lang", t("otherLanguageCode"));
  switcher.addEventListener("click", () => {
    localStorage.setItem(LANGUAGE_KEY, language === "id" ? "en" : "id");
    window.location.reload();
  });
  const paintConnection = () => {
    connection.className = navigator.onLine ? "online" : "offline";
    connection.textContent = navigator.onLine ? "" : t("offline");
  };
  window.addEventListener("online", paintConnection);
  window.addEventListener("offline", paintConnection);
  window.addEventListener("hashchange", () => {
    main.replaceChildren();
    render();
  });
  paintConnection();
  if ("serviceWorker" in navigator)
    navigator.serviceWorker.register("sw.js", { scope: "./" }).catch(() => {});
  setInterval(() => outbox.flush(), RETRY_SECONDS * 1000);
  await render();
  outbox.flush();
}

start();
