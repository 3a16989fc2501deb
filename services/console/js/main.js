// The console: a hash route per page, a navigation shaped by the signed-in role.

import { h, show } from "./dom.js";
import { arrivingNotice, go, notify } from "./navigation.js";
import { auditPage } from "./pages/audit.js";
import { diffPage } from "./pages/diff.js";
import { editorPage } from "./pages/editor.js";
import { rankingPage } from "./pages/ranking.js";
import { regionPage } from "./pages/region.js";
import { ruleSetPage } from "./pages/ruleset.js";
import { ruleSetsPage } from "./pages/rulesets.js";
import { signInPage } from "./pages/signin.js";
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
];

const page = document.getElementById("page");

function navigation() {
  const claims = session.claims();
  const links = [];
  if (claims) {
    links.push(["#/scorecards", "Scorecards"]);
    if (session.can("read rules")) links.push(["#/rules", "Rule sets"], ["#/rules/audit", "Audit trail"]);
    links.push(["/graphql", "API (GraphiQL)"]); // in this tab: it queries as the signed-in user
  }
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
          h("span", { className: "role", title: claims.sub ?? "" }, claims.role.replace("_", " ")),
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
            "Sign out",
          ),
        ]
      : null,
  );
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
    // each page draws into a view of its own: a slow page left behind draws nowhere
    const view = show(h("div"), h("p", { className: "muted" }, "Loading…"));
    show(page, view);
    if (ability && !session.can(ability)) {
      show(
        view,
        h("h1", {}, "Not for your role"),
        h("p", {}, `A ${session.claims().role.replace("_", " ")} cannot see this page.`),
      );
      return;
    }
    try {
      await render(view, ...matched.slice(1));
    } catch (error) {
      if (error.code === "UNAUTHENTICATED") {
        session.signOut();
        return go("/signin", ["The gateway no longer accepts your token: sign in again.", "error"]);
      }
      show(
        view,
        h("h1", {}, "Something went wrong"),
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
  show(page, h("h1", {}, "No such page"), h("p", {}, h("a", { href: "#/" }, "Back to the start")));
}

window.addEventListener("hashchange", () => {
  notify(...arrivingNotice());
  route();
});
route();
