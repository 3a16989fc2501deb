"""Every mutation and every non-public query, for every role, through the gateway and
directly at the subgraph that owns it. The table below is the expected outcome."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from services.kernel import auth
from services.kernel.auth import Role
from tests.security import world as w
from tests.security.world import World
from tests.support import SECRET, token

# ok: done (for a query: the data is shown); hidden: answered without the data;
# F: FORBIDDEN; U: UNAUTHENTICATED. A token's holder gets the same through the gateway and
# directly; an anonymous caller's direct request is refused even for public data.
ROLES = ("admin", "ministry", "operator", "other_operator", "assessor", "other_assessor",
         "enumerator", "other_enumerator", "respondent", "anonymous", "anonymous_direct")  # fmt: skip
# fmt: off
MATRIX = {
    #                       admin  ministry operator other_op assessor other_as enum other_enum respondent anon anon_direct
    "createRegion":          ("ok", "F",  "F",  "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "updateRegion":          ("ok", "F",  "ok", "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "createMasterplan":      ("ok", "F",  "ok", "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "addProgram":            ("ok", "F",  "ok", "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "importPrograms":        ("ok", "F",  "ok", "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "updateProgram":         ("ok", "F",  "ok", "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "reportProgress":        ("ok", "F",  "ok", "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "proposeQuickWin":       ("ok", "F",  "ok", "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "decideQuickWin":        ("ok", "F",  "F",  "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "createEvaluationCycle": ("ok", "F",  "F",  "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "closeEvaluationCycle":  ("ok", "F",  "F",  "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "publishInstrument":     ("ok", "F",  "F",  "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "openCampaign/citizen":  ("ok", "F",  "ok", "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "openCampaign/assessor": ("ok", "F",  "F",  "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "closeCampaign":         ("ok", "F",  "ok", "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "issueRespondentTokens": ("ok", "F",  "F",  "F",  "F",  "F",  "ok", "F", "F",  "U", "U"),
    "submitResponse":        ("F",  "F",  "F",  "F",  "F",  "F",  "F",  "F",  "ok", "U", "U"),
    "submitResponses":       ("F",  "F",  "F",  "F",  "F",  "F",  "F",  "F",  "ok", "U", "U"),
    "assignAssessors":       ("ok", "F",  "F",  "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "scoreAnswer":           ("F",  "F",  "F",  "F",  "ok", "F",  "F",  "F",  "F",  "U", "U"),
    "scoreAnswers":          ("F",  "F",  "F",  "F",  "ok", "F",  "F",  "F",  "F",  "U", "U"),
    "registerAssessor":      ("ok", "F",  "F",  "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "assessors":             ("ok", "ok", "F",  "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "addFinding":            ("F",  "F",  "F",  "F",  "ok", "F",  "F",  "F",  "F",  "U", "U"),
    "draftRuleSet":          ("ok", "F",  "F",  "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "validateRuleSet":       ("ok", "F",  "F",  "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "simulateRuleSet":       ("ok", "F",  "F",  "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "simulateRuleSetDocument": ("ok", "F", "F",  "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "activateRuleSet":       ("ok", "F",  "F",  "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "rescore":               ("ok", "F",  "F",  "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "importPublishedResults": ("ok", "F", "F",  "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "recomposeSupergraph":   ("ok", "F",  "F",  "F",  "F",  "F",  "F",  "F",  "F",  "U", None),
    "catalogReplayUndeliveredEvents": ("ok", "F", "F", "F", "F", "F", "F", "F", "F", "U", "U"),
    "surveyReplayUndeliveredEvents": ("ok", "F", "F", "F", "F", "F", "F", "F", "F", "U", "U"),
    "scoringReplayUndeliveredEvents": ("ok", "F", "F", "F", "F", "F", "F", "F", "F", "U", "U"),
    "ruleSets":              ("ok", "ok", "F",  "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "ruleSet":               ("ok", "ok", "F",  "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "ruleSetAudit":          ("ok", "ok", "F",  "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "supergraph":            ("ok", "F",  "F",  "F",  "F",  "F",  "F",  "F",  "F",  "U", None),
    "catalogUndeliveredEvents": ("ok", "F", "F",  "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "surveyUndeliveredEvents": ("ok", "F",  "F",  "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "scoringUndeliveredEvents": ("ok", "F", "F",  "F",  "F",  "F",  "F",  "F",  "F",  "U", "U"),
    "scorecard/open cycle":  ("ok", "ok", "ok", "hidden", "hidden", "hidden", "hidden", "hidden", "hidden", "hidden", "U"),
    "findings/open cycle":   ("ok", "ok", "ok", "F",  "ok", "F",  "F",  "F",  "F",  "U", "U"),
    "campaign results/open": ("ok", "ok", "ok", "F",  "ok", "F",  "F",  "F",  "F",  "U", "U"),
    "surveyIndices/open":    ("ok", "ok", "ok", "F",  "ok", "F",  "F",  "F",  "F",  "U", "U"),
    "regions (public)":      ("ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "U"),
}
# fmt: on

CODES = {"FORBIDDEN": "F", "UNAUTHENTICATED": "U"}
Variables = Callable[[World], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Operation:
    subgraph: str  # where a direct request goes; "gateway" for the gateway's own fields
    document: str
    variables: Variables
    shown: Callable[[dict[str, Any]], bool] = lambda data: True
    direct_document: str | None = None  # where the subgraph has the field on an entity only


async def _none(_: World) -> dict[str, Any]:
    return {}


def _fixed(**values: Any) -> Variables:
    async def variables(world: World) -> dict[str, Any]:
        return {k: v(world) if callable(v) else v for k, v in values.items()}

    return variables


async def _new_region(world: World) -> dict[str, Any]:
    return {"i": w.region(f"92.{world.fresh():02d}")}


async def _new_masterplan(world: World) -> dict[str, Any]:
    start = 2030 + world.fresh()
    return {"i": {"regionCode": w.REGION, "periodStart": start, "periodEnd": start + 5,
                  "title": "Masterplan", "legalBasis": "Perwali"}}  # fmt: skip


async def _new_program(world: World) -> dict[str, Any]:
    return {"i": {"masterplanId": world.masterplan_id, "name": f"Program {world.fresh()}",
                  "dimension": "economy", "subDimension": "welfare", "agency": "Dinas",
                  "startYear": 2024, "targetYear": 2026}}  # fmt: skip


async def _program_sheet(world: World) -> dict[str, Any]:
    row = (await _new_program(world))["i"]
    del row["masterplanId"]
    return {"i": {"masterplanId": world.masterplan_id, "programs": [row]}}


async def _progress(world: World) -> dict[str, Any]:
    return {"i": {"programId": world.program_id, "stage": "PLANNING",
                  "percent": min(100, world.fresh()), "reportedOn": dt.date.today().isoformat()}}  # fmt: skip


async def _quick_win(world: World) -> dict[str, Any]:
    return {"i": {"programId": await w.add_program(world), "year": 2025}}


async def _decision(world: World) -> dict[str, Any]:
    proposed = await world.admin(
        "mutation($i: ProposeQuickWinInput!) { proposeQuickWin(input: $i) { id } }",
        await _quick_win(world),
    )
    return {"i": {"id": proposed["proposeQuickWin"]["id"], "decision": "SELECTED"}}


async def _new_cycle(world: World) -> dict[str, Any]:
    today = dt.date.today()
    return {"i": {"year": world.next_year(), "stage": "TAHAP_2", "cohort": w.COHORT,
                  "opensOn": today.isoformat(), "regionCodes": [w.REGION],
                  "closesOn": (today + dt.timedelta(days=9)).isoformat()}}  # fmt: skip


async def _cycle_to_close(world: World) -> dict[str, Any]:
    return {"id": await w.open_cycle(world, [w.REGION])}


async def _instrument(world: World) -> dict[str, Any]:
    question = {"code": "Q1", "text": "Puas?", "type": "LIKERT", "scaleMin": 1, "scaleMax": 5}
    return {"i": {"key": f"uji-{world.fresh()}", "version": 1, "title": "Uji",
                  "sections": [{"code": "S1", "title": "S", "questions": [question]}]}}  # fmt: skip


def _campaign(audience: str, instrument: str) -> Variables:
    """A campaign of a public service of its own: a region has one of each a cycle."""

    async def variables(world: World) -> dict[str, Any]:
        service = f"Layanan {world.fresh()}"
        return {"i": w.campaign_input(world, audience, instrument) | {"service": service}}

    return variables


async def _campaign_to_close(world: World) -> dict[str, Any]:
    service = f"Layanan {world.fresh()}"
    return {"id": await w.open_campaign(world, "CITIZEN", w.PUBLIC_SATISFACTION, service)}


async def _tokens(world: World) -> dict[str, Any]:
    return {"i": {"campaignId": world.citizen_campaign, "count": 1,
                  "subDimension": world.sub_dimension}}  # fmt: skip


async def _response(world: World) -> dict[str, Any]:
    return {"i": {"campaignId": world.citizen_campaign, "idempotencyKey": f"matrix-{world.fresh():04d}",
                  "answers": world.citizen_answers()}}  # fmt: skip


async def _responses(world: World) -> dict[str, Any]:
    return {"items": [(await _response(world))["i"]]}


async def _assignment(world: World) -> dict[str, Any]:
    return {"i": {"regionCode": w.REGION, "cycleId": world.cycle_id, "assessors": [w.ASSIGNED]}}


async def _score(world: World) -> dict[str, Any]:
    return {"i": {"campaignId": world.assessor_campaign, "questionCode": "A.1.1.1", "score": 2}}


async def _finding(world: World) -> dict[str, Any]:
    return {"i": {"regionCode": w.REGION, "cycleId": world.cycle_id, "kind": "STRENGTH",
                  "text": f"Temuan {world.fresh()}"}}  # fmt: skip


async def _draft_to_activate(world: World) -> dict[str, Any]:
    drafted = await world.admin(
        "mutation($i: DraftRuleSetInput!) { draftRuleSet(input: $i) { id } }",
        {"i": {"text": world.ruleset_text}},
    )
    return {"id": drafted["draftRuleSet"]["id"]}


def _scorecard_shown(data: dict[str, Any]) -> bool:
    return data["scorecard"] is not None


INDICES = "surveyIndices(cycleId: $c) { cycleId }"
REGION_OF_CYCLE = {"r": w.REGION, "c": lambda world: world.cycle_id}

OPERATIONS = {
    "createRegion": Operation("catalog", "mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }", _new_region),
    "updateRegion": Operation("catalog", 'mutation($r: String!) { updateRegion(code: $r, input: {vision: "Maju"}) { code } }', _fixed(r=w.REGION)),
    "createMasterplan": Operation("catalog", "mutation($i: CreateMasterplanInput!) { createMasterplan(input: $i) { id } }", _new_masterplan),
    "addProgram": Operation("catalog", "mutation($i: AddProgramInput!) { addProgram(input: $i) { id } }", _new_program),
    "importPrograms": Operation("catalog", "mutation($i: ImportProgramsInput!) { importPrograms(input: $i) { added } }", _program_sheet),
    "updateProgram": Operation("catalog", 'mutation($p: ID!) { updateProgram(id: $p, input: {agency: "Bappeda"}) { id } }', _fixed(p=lambda world: world.program_id)),
    "reportProgress": Operation("catalog", "mutation($i: ReportProgressInput!) { reportProgress(input: $i) { id } }", _progress),
    "proposeQuickWin": Operation("catalog", "mutation($i: ProposeQuickWinInput!) { proposeQuickWin(input: $i) { id } }", _quick_win),
    "decideQuickWin": Operation("catalog", "mutation($i: DecideQuickWinInput!) { decideQuickWin(input: $i) { id } }", _decision),
    "createEvaluationCycle": Operation("catalog", "mutation($i: CreateEvaluationCycleInput!) { createEvaluationCycle(input: $i) { id } }", _new_cycle),
    "closeEvaluationCycle": Operation("catalog", "mutation($id: ID!) { closeEvaluationCycle(id: $id) { id } }", _cycle_to_close),
    "publishInstrument": Operation("survey", "mutation($i: PublishInstrumentInput!) { publishInstrument(input: $i) { key } }", _instrument),
    "openCampaign/citizen": Operation("survey", "mutation($i: OpenCampaignInput!) { openCampaign(input: $i) { id } }", _campaign("CITIZEN", w.PUBLIC_SATISFACTION)),
    "openCampaign/assessor": Operation("survey", "mutation($i: OpenCampaignInput!) { openCampaign(input: $i) { id } }", _campaign("ASSESSOR", w.EVALUATION)),
    "closeCampaign": Operation("survey", "mutation($id: ID!) { closeCampaign(id: $id) { id } }", _campaign_to_close),
    "issueRespondentTokens": Operation("survey", "mutation($i: IssueRespondentTokensInput!) { issueRespondentTokens(input: $i) }", _tokens),
    "submitResponse": Operation("survey", "mutation($i: SubmitResponseInput!) { submitResponse(input: $i) { replayed } }", _response),
    "submitResponses": Operation("survey", "mutation($items: [SubmitResponseInput!]!) { submitResponses(inputs: $items) { index error { code } } }", _responses),
    "assignAssessors": Operation("survey", "mutation($i: AssignAssessorsInput!) { assignAssessors(input: $i) { assessors } }", _assignment),
    "scoreAnswer": Operation("survey", "mutation($i: ScoreAnswerInput!) { scoreAnswer(input: $i) { revision } }", _score),
    "scoreAnswers": Operation("survey", "mutation($i: ScoreAnswersInput!) { scoreAnswers(input: $i) { changed } }", _fixed(i=lambda world: {"campaignId": world.assessor_campaign, "scores": [{"questionCode": "A.1.1.1", "score": 2}]})),
    "registerAssessor": Operation("survey", "mutation($i: RegisterAssessorInput!) { registerAssessor(input: $i) { id } }", _fixed(i=lambda world: {"id": w.UNASSIGNED, "name": "Assessor out", "institution": "ITB"})),
    "assessors": Operation("survey", "{ assessors { id } }", _none),
    "addFinding": Operation("survey", "mutation($i: AddFindingInput!) { addFinding(input: $i) { assessor } }", _finding),
    "draftRuleSet": Operation("scoring", "mutation($t: String!) { draftRuleSet(input: {text: $t}) { id } }", _fixed(t=lambda world: world.ruleset_text)),
    "validateRuleSet": Operation("scoring", "mutation($t: String!) { validateRuleSet(text: $t) { valid } }", _fixed(t=lambda world: world.ruleset_text)),
    "simulateRuleSet": Operation("scoring", "mutation($c: String!) { simulateRuleSet(id: 1, cycleId: $c) { regionCode } }", _fixed(c=lambda world: world.cycle_id)),
    "simulateRuleSetDocument": Operation("scoring", "mutation($t: String!, $c: String!) { simulateRuleSetDocument(text: $t, cycleId: $c) { valid } }", _fixed(t=lambda world: world.ruleset_text, c=lambda world: world.cycle_id)),
    "activateRuleSet": Operation("scoring", "mutation($id: ID!) { activateRuleSet(id: $id) { id } }", _draft_to_activate),
    "rescore": Operation("scoring", "mutation($c: String!) { rescore(cycleId: $c) { scored } }", _fixed(c=lambda world: world.cycle_id)),
    "importPublishedResults": Operation("scoring", "mutation($i: ImportPublishedResultsInput!) { importPublishedResults(input: $i) { stored } }", _fixed(i=lambda world: {"dryRun": True, "rows": [{"regionCode": "35.07", "year": 2022, "cohort": "kppn_ikn", "finalIndex": 3.0, "document": "B-1/2022", "scores": [{"dimension": "outcome", "score": 3.0, "weight": 100}]}]})),
    "recomposeSupergraph": Operation("gateway", "mutation { recomposeSupergraph { digest } }", _none),
    "catalogReplayUndeliveredEvents": Operation("catalog", "mutation { catalogReplayUndeliveredEvents { replayed } }", _none),
    "surveyReplayUndeliveredEvents": Operation("survey", "mutation { surveyReplayUndeliveredEvents { replayed } }", _none),
    "scoringReplayUndeliveredEvents": Operation("scoring", "mutation { scoringReplayUndeliveredEvents { replayed } }", _none),
    "ruleSets": Operation("scoring", "{ ruleSets { id } }", _none),
    "ruleSet": Operation("scoring", '{ ruleSet(id: "1") { id } }', _none),
    "ruleSetAudit": Operation("scoring", "{ ruleSetAudit { action } }", _none),
    "supergraph": Operation("gateway", "{ supergraph { digest } }", _none),
    "catalogUndeliveredEvents": Operation("catalog", "{ catalogUndeliveredEvents { eventId } }", _none),
    "surveyUndeliveredEvents": Operation("survey", "{ surveyUndeliveredEvents { eventId } }", _none),
    "scoringUndeliveredEvents": Operation("scoring", "{ scoringUndeliveredEvents { eventId } }", _none),
    "scorecard/open cycle": Operation("scoring", "query($r: String!, $c: String!) { scorecard(regionCode: $r, cycleId: $c) { finalIndex } }", _fixed(**REGION_OF_CYCLE), _scorecard_shown),
    "findings/open cycle": Operation("survey", "query($r: String!, $c: String!) { findings(regionCode: $r, cycleId: $c) { assessor } }", _fixed(**REGION_OF_CYCLE)),
    "campaign results/open": Operation("survey", "query($id: ID!) { campaign(id: $id) { itemScores { score } } }", _fixed(id=lambda world: world.assessor_campaign)),
    "surveyIndices/open": Operation("survey", f'query($c: String!) {{ region(code: "{w.REGION}") {{ {INDICES} }} }}', _fixed(c=lambda world: world.cycle_id),
                                    direct_document=f'query($c: String!) {{ _entities(representations: [{{__typename: "Region", code: "{w.REGION}"}}]) {{ ... on Region {{ {INDICES} }} }} }}'),
    "regions (public)": Operation("catalog", "{ regions { code } }", _none),
}  # fmt: skip


async def bearer_of(role: str, world: World) -> str | None:
    tokens = {
        "admin": lambda: token(Role.ADMIN),
        "ministry": lambda: token(Role.MINISTRY),
        "operator": lambda: token(Role.REGION_OPERATOR, region=w.REGION),
        "other_operator": lambda: token(Role.REGION_OPERATOR, region=w.OTHER_REGION),
        "assessor": lambda: auth.mint(SECRET, Role.ASSESSOR, subject=w.ASSIGNED),
        "other_assessor": lambda: auth.mint(SECRET, Role.ASSESSOR, subject=w.UNASSIGNED),
        "enumerator": lambda: token(Role.ENUMERATOR, region=w.REGION),
        "other_enumerator": lambda: token(Role.ENUMERATOR, region=w.OTHER_REGION),
    }
    if role == "respondent":
        return await world.respondent()  # one-time: a fresh citizen for every request
    return tokens[role]() if role in tokens else None


def outcome(status: int, body: dict[str, Any], operation: Operation) -> str:
    errors = list(body.get("errors") or ())
    for item in (body.get("data") or {}).get("submitResponses") or ():
        if item["error"]:
            errors.append({"extensions": item["error"]})
    if errors:
        code = (errors[0].get("extensions") or {}).get("code", "?")
        return CODES.get(code, f"{code} (HTTP {status}): {errors[0].get('message', '')}")
    return "ok" if operation.shown(body["data"]) else "hidden"


async def attempt(world: World, name: str, role: str, *, direct: bool) -> str:
    """One request as `role`, through the gateway or straight to the owning subgraph."""
    operation = OPERATIONS[name]
    bearer = None if role.startswith("anonymous") else await bearer_of(role, world)
    client = world.direct[operation.subgraph] if direct else world.gateway.client
    document = (direct and operation.direct_document) or operation.document
    variables = await operation.variables(world)
    before = await world.stored(operation.subgraph)
    response = await client.post(
        "/graphql",
        json={"query": document, "variables": variables},
        headers={"Authorization": f"Bearer {bearer}"} if bearer else {},
    )
    got = outcome(response.status_code, response.json(), operation)
    if got in CODES.values() and await world.stored(operation.subgraph) != before:
        return f"{got}, but something was stored"
    return got


def routes(name: str, role: str) -> list[bool]:
    """Whether to go directly: a token's holder goes both ways and must get the same."""
    if role == "anonymous_direct":
        return [True]
    if role == "anonymous" or OPERATIONS[name].subgraph == "gateway":
        return [False]
    return [False, True]


@pytest.fixture
async def world(tmp_path):
    async with w.running_world(tmp_path) as world:
        yield world


@pytest.mark.integration
@pytest.mark.timeout(300)
async def test_every_role_gets_what_the_table_says(world):
    schema = await world.admin("{ __schema { mutationType { fields { name } } } }")
    every_mutation = {f["name"] for f in schema["__schema"]["mutationType"]["fields"]}
    assert every_mutation <= {name.split("/")[0] for name in MATRIX}
    assert MATRIX.keys() == OPERATIONS.keys()
    wrong = []
    for name, row in MATRIX.items():
        for role, expected in zip(ROLES, row, strict=True):
            for direct in routes(name, role) if expected else ():
                got = await attempt(world, name, role, direct=direct)
                if got != expected:
                    where = "directly" if direct else "through the gateway"
                    wrong.append(f"{name} as {role} {where}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)
