// Following a rescoring: after an activation the scorecards move one by one onto the active
// rule set. A page that shows them is told how far it has come as it goes (`follow`, a
// subscription), or asks again every few seconds when it cannot be told, until every one has
// moved, or none moves any more.

const POLL_MS = 2000;
const PATIENCE_MS = 60000;

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// a published result is the record: no rule set scores it, so none is ever behind
const behind = ({ cards, active }) =>
  cards.filter((card) => card.source !== "PUBLISHED" && card.rulesetVersion !== active).length;

// `state` is { cards, active } as first shown; `reload()` gives the next one. While `alive()`,
// `report({ phase, done, total, active })` tells where it stands: "rescoring", then "done" or
// "stalled" (nothing moved for `patienceMs`). `follow({ next, failed })`, when given, starts
// a subscription to the progress (`next({ scorecards, onActive, waiting })`) and gives its stop.
export async function followRescoring(
  state,
  { reload, alive, report, follow = null, pollMs = POLL_MS, patienceMs = PATIENCE_MS },
) {
  if (state.active === null || !behind(state)) return;
  if (follow && (await toldLive(state, { reload, alive, report, follow, pollMs, patienceMs }))) return;
  await polled(state, { reload, alive, report, pollMs, patienceMs });
}

// Whether the subscription saw the rescoring through; false when it failed, so the page asks.
function toldLive(state, { reload, alive, report, follow, pollMs, patienceMs }) {
  return new Promise((resolve) => {
    let last = null;
    let movedAt = Date.now();
    let reloadedAt = Date.now();
    const tell = (phase, progress) =>
      report({ phase, done: progress.onActive, total: progress.scorecards, active: state.active });
    const finish = (seen) => {
      clearInterval(watchdog);
      stop();
      resolve(seen);
    };
    const watchdog = setInterval(() => {
      if (!alive()) finish(true);
      else if (last && Date.now() - movedAt > patienceMs) {
        tell("stalled", last);
        finish(true);
      }
    }, 1000);
    const stop = follow({
      next: async (progress) => {
        if (!alive()) return finish(true);
        if (!last || progress.onActive !== last.onActive) movedAt = Date.now();
        last = progress;
        if (!progress.waiting) {
          await reload().catch(() => null);
          tell("done", progress);
          return finish(true);
        }
        tell("rescoring", progress);
        if (Date.now() - reloadedAt > pollMs) {
          reloadedAt = Date.now();
          reload().catch(() => null); // the table moves with it, now and then
        }
      },
      failed: () => finish(false),
    });
  });
}

async function polled(state, { reload, alive, report, pollMs, patienceMs }) {
  const tell = (phase, waiting) =>
    report({ phase, done: state.cards.length - waiting, total: state.cards.length, active: state.active });
  let waiting = behind(state);
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
