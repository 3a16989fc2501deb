// The assessor's workbench: the regions assigned to them in each open cycle, with how far
// they have come (`84 of 117 scored`), and the scores still waiting for the connection.

import { graphql } from "../api.js";
import { h, show } from "../dom.js";
import { cycleName, t } from "../i18n.js";
import { scores, watch } from "../score_outbox.js";
import * as session from "../session.js";
import { MY_ASSIGNMENTS } from "../work_queries.js";

export async function workbenchPage(page) {
  const { assignments, evaluationCycles: cycles } = await graphql(MY_ASSIGNMENTS);
  const me = session.claims().sub;
  const open = new Map(cycles.map((c) => [c.id, c]));
  const current = assignments.filter((a) => open.has(a.cycleId));
  const waiting = h("p", { id: "waiting", role: "status" });
  const showWaiting = (queued) =>
    show(waiting, queued.length ? t("workbench.waiting", { count: queued.length }) : null);
  watch(page, { changed: showWaiting });
  showWaiting(await scores.items());
  show(
    page,
    h("h1", {}, t("workbench.title")),
    waiting,
    current.length
      ? h(
          "ul",
          { className: "assignments", id: "assignments" },
          current.map((a) => assignmentItem(a, open.get(a.cycleId), me)),
        )
      : h("p", { className: "muted" }, t("workbench.none")),
  );
}

function assignmentItem(assignment, cycle, me) {
  const mine = assignment.progress.find((p) => p.assessor === me);
  const title = `${assignment.region?.name ?? assignment.regionCode} (${assignment.regionCode})`;
  const state = !assignment.campaign
    ? t("workbench.notOpen")
    : mine?.done
      ? t("workbench.done", { findings: mine.findings })
      : t("workbench.progress", { scored: mine?.scored ?? 0, questions: mine?.questions ?? 0 });
  return h(
    "li",
    { className: "card", dataset: { region: assignment.regionCode } },
    h(
      "h2",
      {},
      assignment.campaign
        ? h("a", { href: `#/assess/${assignment.cycleId}/${assignment.regionCode}` }, title)
        : title,
    ),
    h("p", { className: "muted" }, cycleName(cycle)),
    h("p", { className: mine?.done ? "ok" : null }, state),
    mine?.questions
      ? h("progress", { max: mine.questions, value: mine.scored, "aria-label": state }, state)
      : null,
  );
}
