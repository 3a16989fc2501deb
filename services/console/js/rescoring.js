// Following a rescoring: after an activation the scorecards move one by one onto the active
// rule set, and a page that shows them asks again until every one has, or none moves any more.

const POLL_MS = 2000;
const PATIENCE_MS = 60000;

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// a published result is the record: no rule set scores it, so none is ever behind
const behind = ({ cards, active }) =>
  cards.filter((card) => card.source !== "PUBLISHED" && card.rulesetVersion !== active).length;

// `state` is { cards, active } as first shown; `reload()` gives the next one. While `alive()`,
// `report({ phase, done, total, active })` tells where it stands: "rescoring", then "done" or
// "stalled" (nothing moved for `patienceMs`).
export async function followRescoring(
  state,
  { reload, alive, report, pollMs = POLL_MS, patienceMs = PATIENCE_MS },
) {
  const tell = (phase, waiting) =>
    report({ phase, done: state.cards.length - waiting, total: state.cards.length, active: state.active });
  let waiting = behind(state);
  if (state.active === null || !waiting) return;
  let movedAt = Date.now();
  while (waiting) {
    tell("rescoring", waiting);
    await pause(pollMs);
    if (!alive()) return;
    try {
      state = await reload();
    } catch {
      // a failed poll is tried again at the next one; it counts against the patience
    }
    const now = behind(state);
    if (now < waiting) movedAt = Date.now();
    else if (now && Date.now() - movedAt > patienceMs) return tell("stalled", now);
    waiting = now;
  }
  tell("done", 0);
}
