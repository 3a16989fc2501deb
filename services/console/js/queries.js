// Every GraphQL document the console sends, by what it is for.

export const WHO_AM_I = `{ evaluationCycles(first: 1) { id } }`;

export const CYCLES = `{ evaluationCycles { id year stage cohort status } }`;

export const RULE_SETS = `{ ruleSets { id version name author createdAt basedOn status } }`;

export const RULE_SET = `query($id: ID!) {
  ruleSet(id: $id) { id version name text author createdAt basedOn status problems { ruleId path line message } }
}`;

export const TWO_RULE_SETS = `query($a: ID!, $b: ID!) {
  a: ruleSet(id: $a) { id version text status }
  b: ruleSet(id: $b) { id version text status }
}`;

export const AUDIT = `query($id: ID) { ruleSetAudit(id: $id) { action actor version at detail } }`;

export const VALIDATE = `mutation($text: String!) {
  validateRuleSet(text: $text) { valid problems { ruleId path line message } }
}`;

export const DRAFT = `mutation($input: DraftRuleSetInput!) {
  draftRuleSet(input: $input) { id version status problems { ruleId path line message } }
}`;

export const SIMULATE = `mutation($id: ID!, $cycleId: String!) {
  simulateRuleSet(id: $id, cycleId: $cycleId) {
    regionCode oldFinalIndex newFinalIndex change oldRank newRank rankChange
    newlyFiring noLongerFiring failure
  }
}`;

export const ACTIVATE = `mutation($id: ID!) { activateRuleSet(id: $id) { id version status } }`;

const RANKING_FIELDS = `
  ranking(cycleId: $cycleId) {
    regionCode cohort rank rankInCohort finalIndex grade improvement rulesetVersion source
    flags { code severity }
  }
  evaluationCycle(id: $cycle) { id year stage status regions { code name province cohort } }`;

export const RANKING = `query($cycleId: String!, $cycle: ID!) { ${RANKING_FIELDS} }`;

// for the roles that read rule sets: which one the scorecards are being moved onto
export const RANKING_AND_ACTIVE_RULES = `query($cycleId: String!, $cycle: ID!) {
  ${RANKING_FIELDS}
  ruleSets { version status }
}`;

// told as the active rule set moves through a cycle's scorecards (ministries and admins)
export const RESCORING_PROGRESS = `subscription($cycleId: String!) {
  rescoringProgress(cycleId: $cycleId) { scorecards onActive waiting }
}`;

export const REGION_PAGE = `query($code: String!, $cycleId: String!, $cycle: ID!) {
  region(code: $code) {
    code name kind province cohort
    campaigns(cycleId: $cycleId, first: 50) {
      id audience status instrumentKey instrumentVersion cycle { year stage cohort }
    }
  }
  evaluationCycle(id: $cycle) { year stage cohort }
  scorecard(regionCode: $code, cycleId: $cycleId) {
    cycleId year cohort rulesetVersion finalIndex grade rank rankInCohort
    previousFinalIndex improvement computedAt revision failure source document letterUrl
    dimensions { dimension score weight scoredItems items adjustedBy }
    smartDimensions { dimension score }
    flags(first: 500) { ruleId code severity message }
    recommendations(first: 500) { ruleId text dimension }
    explanation(first: 500) { ruleId description matched effects }
    counted { assessorScores citizenResponses programs }
  }
  findings(regionCode: $code, cycleId: $cycleId) {
    assessor author { name institution } strengths weaknesses recommendations
  }
}`;

export const CYCLE_REGIONS = `query($id: ID!) {
  evaluationCycle(id: $id) { year stage cohort regions { code name province cohort } } }`;

const PLAN_CHANGE = "change { kind subject before after rule fields }";
const PLAN_STANDING = "standing { finalIndex grade rank rankInCohort rulesFired }";

export const IMPROVEMENT_CANDIDATES = `query($code: String!, $cycleId: String, $first: Int!) {
  improvementPlan(regionCode: $code, cycleId: $cycleId) {
    candidatesConsidered complete ${PLAN_STANDING}
    candidates(first: $first) { ${PLAN_CHANGE} ${PLAN_STANDING} indexChange newlyFiring noLongerFiring }
  }
}`;

export const IMPROVEMENT_PLAN = `query($code: String!, $cycleId: String, $target: String!) {
  improvementPlan(regionCode: $code, cycleId: $cycleId, target: $target) {
    plan { target reached ending steps { ${PLAN_CHANGE} ${PLAN_STANDING} } }
  }
}`;

export const WHAT_IF = `query($code: String!, $cycleId: String, $scores: [ItemScoreInput!]) {
  improvementPlan(regionCode: $code, cycleId: $cycleId, scores: $scores) { ${PLAN_STANDING} }
}`;
