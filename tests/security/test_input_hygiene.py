"""Input that looks right but is not: codes with a trailing newline or non-ASCII digits, text
with control, invisible or bidi characters, values that do not coerce. Each is refused with
the field at fault, through the gateway, and nothing is stored."""

from __future__ import annotations

import json

import pytest

from services.kernel import auth
from services.kernel.auth import Role
from tests.security import world as w
from tests.support import SECRET, token

ADMIN = token(Role.ADMIN)
CREATE_REGION = "mutation($i: CreateRegionInput!) { createRegion(input: $i) { code } }"
ADD_FINDING = "mutation($i: AddFindingInput!) { addFinding(input: $i) { assessor } }"
UNPRINTABLE = {"NUL": "\x00", "BEL": "\x07", "right-to-left override": "\u202e",
               "zero-width space": "\u200b", "byte order mark": "\ufeff",
               # by category: format (Cf), unassigned (Cn), surrogate (Cs), private use (Co)
               "Arabic letter mark": "\u061c", "soft hyphen": "\u00ad", "tag A": "\U000e0041",
               "inhibit symmetric swapping": "\u206a", "Mongolian vowel separator": "\u180e",
               "musical begin beam": "\U0001d173", "unassigned U+2065": "\u2065",
               "lone surrogate": "\ud800", "private use": "\ue000",
               "paragraph separator": "\u2029",
               # letters and marks that show as nothing
               "Hangul filler": "\u3164", "variation selector 16": "\ufe0f",
               "combining grapheme joiner": "\u034f"}  # fmt: skip


@pytest.fixture
async def world(tmp_path):
    async with w.running_world(tmp_path) as world:
        yield world


async def _post(world, query: str, variables: dict, bearer: str = ADMIN) -> dict:
    response = await world.gateway.client.post(
        "/graphql",
        # escaped as JSON allows, so a lone surrogate can be sent
        content=json.dumps({"query": query, "variables": variables}),
        headers={"authorization": f"Bearer {bearer}", "content-type": "application/json"},
    )
    return response.json()


def _refusal(body: dict) -> tuple[str, str]:
    [error] = body["errors"]
    return error["extensions"]["code"], error["extensions"].get("field", "")


@pytest.mark.integration
async def test_codes_are_ascii_to_their_very_end(world):
    before = await world.stored("catalog")
    refused = {
        value: _refusal(await _post(world, CREATE_REGION, {"i": w.region(value)}))
        for value in ("93.01\n", "\u0669\u0663.\u0660\u0661", "9\uff13.01")
    }
    cohort = await _post(world, CREATE_REGION, {"i": w.region("93.02") | {"cohort": "uji\n"}})

    assert refused == dict.fromkeys(refused, ("BAD_USER_INPUT", "input.code"))
    assert _refusal(cohort) == ("BAD_USER_INPUT", "input.cohort")
    assert await world.stored("catalog") == before


@pytest.mark.integration
async def test_text_with_control_invisible_or_bidi_characters_is_refused_where_it_stands(world):
    before = {name: await world.stored(name) for name in ("catalog", "survey")}
    assessor = auth.mint(SECRET, Role.ASSESSOR, subject=w.ASSIGNED)
    refused = []
    for name, character in UNPRINTABLE.items():
        region = w.region("93.03") | {"name": f"Kota{character}Uji"}
        finding = {"regionCode": w.REGION, "cycleId": world.cycle_id, "kind": "STRENGTH",
                   "text": f"Baik{character}"}  # fmt: skip
        refused.append((name, _refusal(await _post(world, CREATE_REGION, {"i": region}))))
        refused.append((name, _refusal(await _post(world, ADD_FINDING, {"i": finding}, assessor))))

    assert refused == [
        (name, ("BAD_USER_INPUT", field))
        for name in UNPRINTABLE
        for field in ("input.name", "input.text")
    ]
    assert {name: await world.stored(name) for name in ("catalog", "survey")} == before
    notes = await _post(
        world, CREATE_REGION, {"i": w.region("93.04") | {"vision": "Satu\nDua\tTiga"}}
    )
    assert "errors" not in notes


@pytest.mark.integration
async def test_every_refusal_names_its_field(world):
    today = "2026-01-01"
    cycle = {"year": world.next_year(), "stage": "TAHAP_2", "cohort": w.COHORT,
             "opensOn": "2026-13-45", "closesOn": today, "regionCodes": [w.REGION]}  # fmt: skip
    assessor = auth.mint(SECRET, Role.ASSESSOR, subject=w.ASSIGNED)
    finding = {"regionCode": w.REGION, "cycleId": "no-such-cycle", "kind": "STRENGTH",
               "text": "Baik"}  # fmt: skip

    bad_date = await _post(
        world,
        "mutation($i: CreateEvaluationCycleInput!) { createEvaluationCycle(input: $i) { id } }",
        {"i": cycle},
    )
    unknown_cycle = await _post(world, ADD_FINDING, {"i": finding}, assessor)

    assert _refusal(bad_date) == ("BAD_USER_INPUT", "variables.i.opensOn")
    assert _refusal(unknown_cycle) == ("NOT_FOUND", "input.cycleId")


@pytest.mark.integration
async def test_escapes_in_a_rule_sets_yaml_cannot_bring_in_what_plain_text_may_not_hold(world):
    escaped = world.ruleset_text.replace("rules:", 'name: "Aturan \\u202Eterbalik \\a"\nrules:', 1)

    checked = await _post(
        world,
        "mutation($t: String!) { validateRuleSet(text: $t) { valid problems { path message } } }",
        {"t": escaped},
    )

    assert checked["data"]["validateRuleSet"]["valid"] is False
    [problem] = checked["data"]["validateRuleSet"]["problems"]
    assert problem["path"] == "name"
    assert "U+202E" in problem["message"]


@pytest.mark.integration
async def test_an_assessor_id_is_checked_to_its_very_end(world):
    registered = await _post(
        world,
        "mutation($i: RegisterAssessorInput!) { registerAssessor(input: $i) { id } }",
        {"i": {"id": "asesor-baru\n", "name": "Asesor Baru", "institution": "UI"}},
    )

    assert _refusal(registered)[0] == "BAD_USER_INPUT"
