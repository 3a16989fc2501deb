"""Results of earlier years imported as published: kept exactly, checked whole before any is
stored, flagged when their final disagrees, and counted in history and improvement."""

from services.contracts.events.scoring import ScorecardPublished
from services.kernel.auth import Role
from tests.published import cycle_closed
from tests.scoring.conftest import (
    COHORT,
    REGIONS,
    assessor_scores,
    campaign_opened,
    cycle_opened,
    instrument_published,
    region_registered,
)
from tests.support import token

CYCLE_2022, CYCLE_2023 = "cycle-2022", "cycle-2023"
DIMENSIONS = ("baseline", "output", "outcome", "impact", "quick_win")
WEIGHTS_2022 = (10, 20, 30, 10, 30)
LETTER = "B-1234/DJAI/AI.01.04/12/2022"
# PRODUCT.md's worked examples of the published 2022 table
PUBLISHED_2022 = {
    "35.07": ((1.40, 1.54, 2.92, 2.56, 3.08), 2.51),
    "33.12": ((3.95, 2.36, 3.35, 3.88, 3.46), 3.31),
    "35.78": ((3.45, 2.68, 3.56, 3.94, 3.52), 3.41),
}

IMPORT = """mutation($i: ImportPublishedResultsInput!) { importPublishedResults(input: $i) {
  imported revised unchanged stored
  scorecards { regionCode cycleId finalIndex source document flags { code message } } } }"""
SHOWN = """query($r: String!, $c: String!) { scorecard(regionCode: $r, cycleId: $c) {
  finalIndex grade source document revision rank improvement previousFinalIndex
  dimensions { dimension score weight } } }"""


def row(region, scores, final, *, cycle=CYCLE_2022, year=2022, weights=WEIGHTS_2022, **extra):
    return {
        "regionCode": region, "cycleId": cycle, "year": year, "cohort": COHORT,
        "scores": [{"dimension": d, "score": s, "weight": w}
                   for d, s, w in zip(DIMENSIONS, scores, weights, strict=True)],
        "finalIndex": final, "document": LETTER,
    } | extra  # fmt: skip


def rows_2022():
    return [row(region, scores, final) for region, (scores, final) in PUBLISHED_2022.items()]


async def importing(api, rows, dry_run=False, bearer=None):
    variables = {"i": {"rows": rows, "dryRun": dry_run}}
    return await api(IMPORT, variables, **({"bearer": bearer} if bearer else {}))


async def shown(api, region, cycle=CYCLE_2022, bearer=None):
    result = await api(SHOWN, {"r": region, "c": cycle}, **({"bearer": bearer} if bearer else {}))
    return result["data"]["scorecard"]


async def with_2022_cycle(api):
    await api.learn(cycle_opened(CYCLE_2022, 2022), *(region_registered(r) for r in REGIONS))
    return api


async def test_the_published_2022_rows_come_out_exactly_as_published(api):
    await with_2022_cycle(api)
    result = (await importing(api, rows_2022()))["data"]["importPublishedResults"]
    assert (result["imported"], result["stored"]) == (3, True)
    assert all(card["flags"] == [] for card in result["scorecards"])
    for region, (scores, final) in PUBLISHED_2022.items():
        card = await shown(api, region)
        assert (card["finalIndex"], card["source"], card["document"]) == (
            final, "PUBLISHED", LETTER,
        )  # fmt: skip
        assert [(d["dimension"], d["score"], d["weight"]) for d in card["dimensions"]] == list(
            zip(DIMENSIONS, scores, WEIGHTS_2022, strict=True)
        )
    ranks = {region: (await shown(api, region))["rank"] for region in PUBLISHED_2022}
    assert ranks == {"35.78": 1, "33.12": 2, "35.07": 3}


async def test_importing_the_same_rows_again_changes_nothing(api):
    await with_2022_cycle(api)
    await importing(api, rows_2022())
    again = (await importing(api, rows_2022()))["data"]["importPublishedResults"]
    assert (again["imported"], again["revised"], again["unchanged"]) == (0, 0, 3)
    assert (await shown(api, "35.07"))["revision"] == 1
    await api.settled()  # what the imports stored, published by the outbox relay
    published = api.published.events_of(ScorecardPublished.event_type())
    assert sorted(e["data"]["region_code"] for e in published) == sorted(PUBLISHED_2022)


async def test_a_final_further_from_its_dimensions_than_rounding_allows_is_flagged(api):
    await with_2022_cycle(api)
    scores, _ = PUBLISHED_2022["35.07"]
    result = await importing(api, [row("35.07", scores, 2.60), row("33.12", scores, 2.515)])
    flagged = {
        c["regionCode"]: c["flags"] for c in result["data"]["importPublishedResults"]["scorecards"]
    }
    assert [f["code"] for f in flagged["35.07"]] == ["published-final-disagrees"]
    assert "2.60" in flagged["35.07"][0]["message"] and "2.5040" in flagged["35.07"][0]["message"]
    assert flagged["33.12"] == []  # 2.504 against 2.515: within the rounding of its inputs


async def test_every_problem_of_the_rows_is_reported_and_nothing_is_stored(api):
    await with_2022_cycle(api)
    scores, final = PUBLISHED_2022["35.07"]
    rows = [
        row("35.07", scores, final),
        row("33.12", (5.2, *scores[1:]), final),
        row("35.78", scores, final, weights=(10, 20, 30, 10, 20)),
        row("35.07", scores, final),
        row("99.99", scores, final),
    ]
    result = await importing(api, rows)
    [error] = result["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    fields = {p["field"] for p in error["extensions"]["problems"]}
    assert fields == {
        "input.rows[1].scores.baseline", "input.rows[2].weights", "input.rows[3]",
        "input.rows[4].regionCode",
    }  # fmt: skip
    assert all([await shown(api, region) is None for region in PUBLISHED_2022])


async def test_a_dry_run_checks_and_computes_without_storing(api):
    await with_2022_cycle(api)
    scores, final = PUBLISHED_2022["35.07"]
    unplaced = row("35.07", scores, final, cycle=None)
    result = (await importing(api, [unplaced], dry_run=True))["data"]["importPublishedResults"]
    assert (result["stored"], result["imported"], result["scorecards"]) == (False, 0, [])
    refused = await importing(api, [unplaced])
    assert refused["errors"][0]["extensions"]["field"] == "input.rows[0].cycleId"
    assert await shown(api, "35.07") is None


async def test_an_unknown_cycle_is_not_found_and_only_admins_import(api):
    await with_2022_cycle(api)
    unknown = await importing(api, [row("35.07", *PUBLISHED_2022["35.07"], cycle="cycle-1999")])
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    for role in (Role.MINISTRY, Role.REGION_OPERATOR):
        refused = await importing(api, rows_2022(), bearer=token(role, region="35.07"))
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_published_results_are_public_once_their_cycle_is_closed(api):
    await with_2022_cycle(api)
    await importing(api, rows_2022())
    await api.learn(cycle_closed(CYCLE_2022, 2022, COHORT, REGIONS))
    anonymous = await api(SHOWN, {"r": "35.07", "c": CYCLE_2022}, bearer=None)
    assert anonymous["data"]["scorecard"]["finalIndex"] == 2.51


async def test_a_computed_cycle_after_them_measures_its_improvement_from_them(api):
    await with_2022_cycle(api)
    await importing(api, rows_2022())
    await api.learn(instrument_published(), cycle_opened(CYCLE_2023, 2023),
                    campaign_opened("35.07", CYCLE_2023),
                    *assessor_scores("35.07", {d: 3.0 for d in DIMENSIONS}, cycle_id=CYCLE_2023))  # fmt: skip
    await api.settled()
    later = await shown(api, "35.07", CYCLE_2023)
    assert later["previousFinalIndex"] == 2.51
    # from the unrounded 2022 final, 2.504, that the published dimension scores give
    assert abs(later["improvement"] - (later["finalIndex"] - 2.504)) <= 0.01
    assert later["improvement"] != round(later["finalIndex"] - 2.51, 2)
    assert later["source"] == "COMPUTED"


async def test_evidence_never_moves_a_published_result_and_an_import_never_replaces_a_computed_one(
    api,
):
    await with_2022_cycle(api)
    await importing(api, rows_2022())
    await api.learn(instrument_published(), campaign_opened("35.07", CYCLE_2022),
                    *assessor_scores("35.07", {d: 4.0 for d in DIMENSIONS}))  # fmt: skip
    await api.settled()
    card = await shown(api, "35.07")
    assert (card["finalIndex"], card["source"], card["revision"]) == (2.51, "PUBLISHED", 1)

    await api.learn(cycle_opened(CYCLE_2023, 2023), campaign_opened("35.07", CYCLE_2023),
                    *assessor_scores("35.07", {d: 3.0 for d in DIMENSIONS}, cycle_id=CYCLE_2023))  # fmt: skip
    await api.settled()
    over = await importing(
        api, [row("35.07", *PUBLISHED_2022["35.07"], cycle=CYCLE_2023, year=2023)]
    )
    assert "computed from its evidence" in over["errors"][0]["message"]


async def test_simulating_rules_leaves_published_results_out(api):
    await with_2022_cycle(api)
    await importing(api, rows_2022())
    simulated = await api(
        f'mutation {{ simulateRuleSet(id: "v1", cycleId: "{CYCLE_2022}") {{ regionCode }} }}'
    )
    assert simulated["data"]["simulateRuleSet"] == []
