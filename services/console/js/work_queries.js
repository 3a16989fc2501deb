// The GraphQL documents of the season's work: cycles and campaigns, assessors and their
// scores, respondent tokens, and a region's own masterplan, programs and self-assessment.

export const EVALUATION = "smartcity-evaluation-2023";
export const CITIZEN_IMPACT = "citizen-impact-2023";

export const SEASON_CYCLES = `{
  evaluationCycles(first: 100) { id year stage cohort status opensOn closesOn regionCodes }
}`;

export const COHORT_REGIONS = `query($cohort: String, $after: String) {
  regions(cohort: $cohort, first: 100, after: $after) { code name province cohort }
}`;

export const OPEN_CYCLE = `mutation($input: CreateEvaluationCycleInput!) {
  createEvaluationCycle(input: $input) { id }
}`;

export const CLOSE_CYCLE = `mutation($id: ID!) { closeEvaluationCycle(id: $id) { id status } }`;

export const SEASON = `query($cycleId: String!, $cycle: ID!, $after: String) {
  evaluationCycle(id: $cycle) { id year stage cohort status }
  seasonProgress(cycleId: $cycleId, first: 100, after: $after) {
    regionCode region { name } selfAssessments citizenResponses citizenTarget
    assessors { assessor scored questions done }
    campaigns { id audience status instrumentKey }
  }
}`;

export const SEASON_SCORECARDS = `query($cycleId: String!) {
  ranking(cycleId: $cycleId) { regionCode finalIndex grade }
}`;

// each scorecard of a cycle as it changes, for the season's overview
export const SCORECARD_CHANGED = `subscription($cycleId: String!) {
  scorecardChanged(cycleId: $cycleId) { regionCode scorecard { finalIndex grade } }
}`;

export const INSTRUMENT_VERSIONS = `query($key: String!) { instrument(key: $key) { key version } }`;

export const OPEN_CAMPAIGN = `mutation($input: OpenCampaignInput!) { openCampaign(input: $input) { id } }`;

export const CLOSE_CAMPAIGN = `mutation($id: ID!) { closeCampaign(id: $id) { id status } }`;

export const ASSESSORS = `query($after: String) {
  assessors(first: 100, after: $after) { id name institution }
}`;

export const REGISTER_ASSESSOR = `mutation($input: RegisterAssessorInput!) {
  registerAssessor(input: $input) { id name institution }
}`;

export const ASSIGN = `mutation($input: AssignAssessorsInput!) {
  assignAssessors(input: $input) { regionCode assessors }
}`;

export const IMPORT_RESULTS = `mutation($input: ImportPublishedResultsInput!) {
  importPublishedResults(input: $input) {
    imported revised unchanged stored
    scorecards { regionCode year cohort finalIndex grade flags(first: 20) { code severity message } }
  }
}`;

export const MY_ASSIGNMENTS = `{
  assignments(first: 100) {
    regionCode cycleId region { name }
    campaign { id status }
    progress { assessor scored questions findings done }
  }
  evaluationCycles(status: OPEN, first: 100) { id year stage cohort status }
}`;

export const SCORING_PAGE = `query($campaignId: ID!, $code: String!, $cycleId: String!) {
  campaign(id: $campaignId) {
    id status regionCode cycleId
    instrument { title sections { code title questions { code text element } } }
  }
  assessorScores(campaignId: $campaignId) { questionCode score note }
  selfAssessment: campaigns(regionCode: $code, cycleId: $cycleId, audience: SELF_ASSESSMENT, first: 1) {
    responses(first: 1) { answers { questionCode score text evidence } }
  }
  region(code: $code) { code name }
}`;

export const SCORE_ANSWERS = `mutation($input: ScoreAnswersInput!) {
  scoreAnswers(input: $input) { changed unchanged }
}`;

export const MY_FINDINGS = `query($code: String!, $cycleId: String!) {
  findings(regionCode: $code, cycleId: $cycleId, first: 20) {
    assessor strengths weaknesses recommendations
  }
}`;

export const ADD_FINDING = `mutation($input: AddFindingInput!) { addFinding(input: $input) { assessor } }`;

export const DESK = `query($code: String!) {
  region(code: $code) {
    code name
    campaigns(first: 50) {
      id audience status instrumentKey quotaPerSubDimension cycle { id year stage cohort status }
      quotas { subDimension quota issued answered }
    }
  }
  dimensions { key name subDimensions { key name } }
}`;

export const ISSUE_TOKENS = `mutation($input: IssueRespondentTokensInput!) {
  issueRespondentTokens(input: $input)
}`;

export const WORKSPACE = `query($code: String!) {
  region(code: $code) {
    code name kind province cohort
    masterplans(first: 20) { id title periodStart periodEnd status }
    programs(first: 100) {
      id masterplanId name dimension subDimension agency startYear targetYear phase
      planningPercent implementationPercent
    }
    quickWins(first: 50) { id programId year status reason rationale }
    scorecards(first: 20) { cycleId year finalIndex grade source letterUrl }
    campaigns(first: 50) { id audience status instrumentKey instrumentVersion cycle { id year stage cohort status } }
  }
  dimensions { key name subDimensions { key name } }
}`;

export const CREATE_MASTERPLAN = `mutation($input: CreateMasterplanInput!) { createMasterplan(input: $input) { id } }`;

export const ADD_PROGRAM = `mutation($input: AddProgramInput!) { addProgram(input: $input) { id } }`;

export const UPDATE_PROGRAM = `mutation($id: ID!, $input: UpdateProgramInput!) {
  updateProgram(id: $id, input: $input) { id }
}`;

export const REPORT_PROGRESS = `mutation($input: ReportProgressInput!) {
  reportProgress(input: $input) { id planningPercent implementationPercent }
}`;

export const PROPOSE_QUICK_WIN = `mutation($input: ProposeQuickWinInput!) { proposeQuickWin(input: $input) { id status } }`;

export const SELF_ASSESSMENT_PAGE = `query($campaignId: ID!) {
  campaign(id: $campaignId) {
    id status regionCode cycleId cycle { year stage cohort }
    instrument { title sections { code title questions { code text element } } }
    responses(first: 1) { id submittedAt }
  }
}`;

export const SUBMIT_RESPONSE = `mutation($input: SubmitResponseInput!) {
  submitResponse(input: $input) { replayed response { id submittedAt } }
}`;

export const ASSIGNMENT_OF = `query($cycleId: String!, $cycle: ID!) {
  assignments(cycleId: $cycleId, first: 100) { regionCode campaign { id status } }
  evaluationCycle(id: $cycle) { id year stage cohort status }
}`;

export const IMPORT_PROGRAMS = `mutation($input: ImportProgramsInput!) {
  importPrograms(input: $input) { added skipped stored }
}`;

export const QUICK_WIN_READINESS = `query($id: ID!, $code: String!, $cycleId: String!) {
  program(id: $id) {
    quickWinReadiness(regionCode: $code, cycleId: $cycleId) { decision { eligible reason ruleId } planningPercent }
  }
}`;
