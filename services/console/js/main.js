// The console: a hash route per page, a navigation shaped by the signed-in role.

import { h, select, show } from "./dom.js";
import { chooseLanguage, LANGUAGES, language, loadLanguage, t } from "./i18n.js";
import { arrivingNotice, go, notify } from "./navigation.js";
import { assessorsPage } from "./pages/assessors.js";
import { auditPage } from "./pages/audit.js";
import { cardsPage } from "./pages/cards.js";
import { cyclePage } from "./pages/cycle.js";
import { deskPage } from "./pages/desk.js";
import { diffPage } from "./pages/diff.js";
import { editorPage } from "./pages/editor.js";
import { importPage } from "./pages/import.js";
import { rankingPage } from "./pages/ranking.js";
import { regionPage } from "./pages/region.js";
import { ruleSetPage } from "./pages/ruleset.js";
import { ruleSetsPage } from "./pages/rulesets.js";
import { scoringPage } from "./pages/scoring.js";
import { seasonPage } from "./pages/season.js";
import { selfAssessmentPage } from "./pages/self_assessment.js";
import { signInPage } from "./pages/signin.js";
import { workbenchPage } from "./pages/workbench.js";
import { workspacePage } from "./pages/workspace.js";
import * as session from "./session.js";

const ROUTES = [
  [/^\/signin$/, signInPage, null],
  [/^\/rules$/, ruleSetsPage, "read rules"],
  [/^\/rules\/audit$/, auditPage, "read rules"],
  [/^\/rules\/diff\/([^/]+)\/([^/]+)$/, diffPage, "read rules"],
  [/^\/rules\/([^/]+)\/edit$/, editorPage, "change rules"],
  [/^\/rules\/new$/, editorPage, "change rules"],
  [/^\/rules\/([^/]+)$/, ruleSetPage, "read rules"],
  [/^\/scorecards(?:\/([^/]+))?$/, rankingPage, "read scorecards"],
  [/^\/regions\/([^/]+)\/([^/]+)$/, regionPage, "read scorecards"],
  [/^\/season$/, seasonPage, "read season"],
  [/^\/season\/([^/]+)$/, cyclePage, "read season"],
  [/^\/assessors$/, assessorsPage, "read season"],
  [/^\/import$/, importPage, "run season"],
  [/^\/workspace$/, workspacePage, "work on region"],
  [/^\/workspace\/self-assessment\/([^/]+)$/, selfAssessmentPage, "work on region"],
  [/^\/assess$/, workbenchPage, "assess"],
  [/^\/assess\/([^/]+)\/([^/]+)$/, scoringPage, "assess"],
  [/^\/desk$/, deskPage, "issue tokens"],
  [/^\/desk\/([^/]+)\/cards$/, cardsPage, "issue tokens"],
];

// The navigation: each role sees what it may do, its own work first.
const LINKS = [
  ["#/season", () => t("nav.season"), "read season"],
  ["#/assessors", () => t("nav.assessors"), "read season"],
  ["#/import", () => t("nav.import"), "run season"],
  ["#/workspace", () => t("nav.workspace"), "work on region"],
  ["#/assess", () => t("nav.workbench"), "assess"],
  ["#/desk", () => t("nav.desk"), "issue tokens"],
  ["#/scorecards", () => t("nav.scorecards"), "read scorecards"],
  ["#/rules", () => t("nav.rulesets"), "read rules"],
  ["#/rules/audit", () => t("nav.audit"), "read rules"],
];

const page = document.getElementById("page");

function navigation() {
  const claims = session.claims();
  const links = LINKS.filter(([, , ability]) => claims && session.can(ability)).map(([href, text]) => [
    href,
    text(),
  ]);
  if (claims) links.push(["/graphql", t("nav.graphiql")]); // in this tab: it queries as the signed-in user
  const current = window.location.hash.split("?")[0];
  const here = links
    .map(([href]) => href)
    .filter((href) => current.startsWith(href))
    .sort((a, b) => b.length - a.length)[0];
  show(
    document.getElementById("nav"),
    links.map(([href, text]) => h("a", { href, "aria-current": href === here ? "page" : null }, text)),
  );
  show(
    document.getElementById("who"),
    claims
      ? [
          h("span", { className: "role", title: claims.sub ?? "" }, t(`role.${claims.role}`)),
          claims.region ? h("span", { className: "muted" }, ` · ${claims.region}`) : null,
          h(
            "button",
            {
              type: "button",
              className: "link",
              onClick: () => {
                session.signOut();
                go("/signin");
              },
            },
            t("signOut"),
          ),
        ]
      : null,
    languageSwitch(),
  );
}

// Kept per browser; the page is drawn again in the chosen language.
function languageSwitch() {
  const options = Object.entries(LANGUAGES);
  return h(
    "label",
    { className: "language" },
    h("span", { className: "visually-hidden" }, t("language")),
    select(options, language(), chooseLanguage, { name: "language", "aria-label": t("language") }),
  );
}

async function route() {
  const path = decodeURIComponent(window.location.hash.replace(/^#/, "").split("?")[0]) || "/";
  const signedIn = session.claims() && !session.expired();
  if (!signedIn && path !== "/signin") {
    const notice = session.token() ? [t("session.expired"), "error"] : null;
    session.signOut();
    return go("/signin", notice);
  }
  if (path === "/") return go(session.home());
  navigation();
  for (const [pattern, render, ability] of ROUTES) {
    const matched = path.match(pattern);
    if (!matched) continue;
    // each page draws into a view of its own: a slow page left behind draws nowhere
    const view = show(h("div"), h("p", { className: "muted" }, t("loading")));
    show(page, view);
    if (ability && !session.can(ability)) {
      show(
        view,
        h("h1", {}, t("page.notForRole")),
        h("p", {}, t("page.notForRoleText", { role: t(`role.${session.claims().role}`) })),
      );
      return;
    }
    try {
      await render(view, ...matched.slice(1));
    } catch (error) {
      if (error.code === "UNAUTHENTICATED") {
        session.signOut();
        return go("/signin", [t("session.refused"), "error"]);
      }
      show(
        view,
        h("h1", {}, t("page.failed")),
        h(
          "p",
          { className: "error", role: "alert" },
          `${error.message}${error.code ? ` (${error.code})` : ""}`,
        ),
      );
    }
    page.focus({ preventScroll: true });
    return;
  }
  show(page, h("h1", {}, t("page.missing")), h("p", {}, h("a", { href: "#/" }, t("page.backToStart"))));
}

async function start() {
  await loadLanguage();
  document.title = t("title");
  document.querySelector(".brand").textContent = t("brand");
  document.getElementById("nav").setAttribute("aria-label", t("nav.label"));
  window.addEventListener("hashchange", () => {
    notify(...arrivingNotice());
    route();
  });
  route();
}

start();
