// The evaluation cycles as choices of a select, newest first, named as people name them.

import { graphql } from "./api.js";
import { cycleName } from "./i18n.js";
import { CYCLES } from "./queries.js";

export async function cycleChoices({ status = null } = {}) {
  const { evaluationCycles: cycles } = await graphql(CYCLES);
  return cycles
    .filter((cycle) => !status || cycle.status === status)
    .sort((a, b) => b.year - a.year || a.cohort.localeCompare(b.cohort))
    .map((cycle) => [cycle.id, cycleName(cycle)]);
}
