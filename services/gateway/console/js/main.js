// The console: a hash route per page, a navigation shaped by the signed-in role.

import { h, show } from "./dom.js";
import * as session from "./session.js";
import { signInPage } from "./pages/signin.js";
import { ruleSetsPage } from "./pages/rulesets.js";
import { ruleSetPage } from "./pages/ruleset.js";
import { editorPage } from "./pages/editor.js";
import { diffPage } from "./pages/diff.js";
import { auditPage } from "./pages/audit.js";
import { rankingPage } from "./pages/ranking.js";
import { regionPage } from "./pages/region.js";

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
];

const page = document.getElementById("page");

let arriving = null; // the notice to show on the page being opened

export function go(path, notice = null) {
  arriving = notice;
  if (window.location.hash === `#${path}`) opened();
  else window.location.hash = `#${path}`;
}

function opened() {
  notify(...(arriving ?? [null]));
  arriving = null;
  route();
}

export function notify(text, kind = "info") {
  const notice = document.getElementById("notice");
  show(notice, text ? h("p", { className: `notice ${kind}` }, text) : null);
}

function navigation() {
  const claims = session.claims();
  const links = [];
  if (claims) {
    links.push(["#/scorecards", "Scorecards"]);
    if (session.can("read rules")) links.push(["#/rules", "Rule sets"], ["#/rules/audit", "Audit trail"]);
  }
  const current = window.location.hash.split("?")[0];
  show(document.getElementById("nav"),
    links.map(([href, text]) => h("a", { href, "aria-current": current.startsWith(href) ? "page" : null }, text)));
  show(document.getElementById("who"), claims
    ? [h("span", { className: "role", title: claims.sub ?? "" }, claims.role.replace("_", " ")),
       claims.region ? h("span", { className: "muted" }, ` · ${claims.region}`) : null,
       h("button", { type: "button", className: "link", onClick: () => { session.signOut(); go("/signin"); } }, "Sign out")]
    : null);
}

async function route() {
  const path = decodeURIComponent(window.location.hash.replace(/^#/, "").split("?")[0]) || "/";
  const signedIn = session.claims() && !session.expired();
  if (!signedIn && path !== "/signin") {
    const notice = session.token() ? ["Your token has expired: sign in again.", "error"] : null;
    session.signOut();
    return go("/signin", notice);
  }
  if (path === "/") return go(session.can("read rules") ? "/rules" : "/scorecards");
  navigation();
  for (const [pattern, render, ability] of ROUTES) {
    const matched = path.match(pattern);
    if (!matched) continue;
    if (ability && !session.can(ability)) {
      show(page, h("h1", {}, "Not for your role"),
        h("p", {}, `A ${session.claims().role.replace("_", " ")} cannot see this page.`));
      return;
    }
    show(page, h("p", { className: "muted" }, "Loading…"));
    try {
      await render(page, ...matched.slice(1));
    } catch (error) {
      show(page, h("h1", {}, "Something went wrong"), h("p", { className: "error", role: "alert" },
        `${error.message}${error.code ? ` (${error.code})` : ""}`));
    }
    page.focus({ preventScroll: true });
    return;
  }
  show(page, h("h1", {}, "No such page"), h("p", {}, h("a", { href: "#/" }, "Back to the start")));
}

window.addEventListener("hashchange", opened);
route();
