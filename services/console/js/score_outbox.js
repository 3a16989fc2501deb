// An assessor's scores on their way to the gateway: kept in the browser until a `scoreAnswers`
// has stored them, so a lost connection loses none. Sending the same scores again changes
// nothing (the service keeps a score sent as it is stored), so a retry never counts twice.

import { isRefusal, Outbox, Unreachable } from "/common/keep.js";
import { graphql } from "./api.js";
import { SCORE_ANSWERS } from "./work_queries.js";

const RETRY_SECONDS = 10;
const MOST_A_REQUEST = 300; // the service takes a whole questionnaire (117 in 2023) at once
const watchers = new Set();

async function send(bodies) {
  const byCampaign = Map.groupBy(bodies, (body) => body.campaignId);
  for (const [campaignId, scores] of byCampaign) {
    const input = { campaignId, scores: scores.map(({ questionCode, score }) => ({ questionCode, score })) };
    try {
      await graphql(SCORE_ANSWERS, { input });
    } catch (error) {
      throw isRefusal(error.code) ? error : new Unreachable(error.message);
    }
  }
}

function tell(what, ...values) {
  for (const watcher of watchers) {
    if (watcher.page.isConnected) watcher[what]?.(...values);
    else watchers.delete(watcher); // its page was left
  }
}

export const scores = new Outbox("scores", send, {
  batch: MOST_A_REQUEST,
  // read again as it is told: a round of sending that ends reports what is queued now
  onChange: async () => tell("changed", await scores.items()),
  onRefused: (bodies, error) => tell("refused", bodies, error),
});

// While `page` is shown: `changed(queued)` after every change of the queue, and
// `refused(bodies, error)` when the service refuses scores.
export function watch(page, { changed, refused }) {
  watchers.add({ page, changed, refused });
}

setInterval(() => scores.flush(), RETRY_SECONDS * 1000);
