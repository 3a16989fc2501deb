"""A rescoring that fails partway is finished later: no scorecard stays ranked by its old
final index, and no pair is left unscored."""

from __future__ import annotations

import asyncio

from services.scoring.storage import MongoRankings
from tests.scoring.conftest import (
    MALANG,
    REGIONS,
    SURABAYA,
    WONOGIRI,
    assessor_scores,
    campaign_opened,
    cycle_opened,
)
from tests.scoring.test_rulesets_api import DEFAULT, draft

CARD = """query($r: String!) { scorecard(regionCode: $r, cycleId: "cycle-2022") {
  finalIndex rank rulesetVersion } }"""
RANKING = '{ ranking(cycleId: "cycle-2022") { regionCode finalIndex rank } }'
LATER_RANKING = '{ ranking(cycleId: "cycle-2023") { regionCode rulesetVersion } }'


def lowering(region_code: str) -> str:
    """The default rule set and a rule that takes the region's outcome down to nothing."""
    rule = f"""rules:
  - id: outcome-under-audit
    description: outcome evidence under audit
    when:
      all:
        - fact: region
          as: r
          where:
            - {{field: code, op: "==", value: "{region_code}"}}
    then:
      - adjust_score: {{dimension: outcome, by: -4, min: 0, max: 4}}
"""
    return DEFAULT.replace("rules:\n", rule, 1)


async def standings(api) -> dict[str, dict]:
    return {r: (await api(CARD, {"r": r}))["data"]["scorecard"] for r in REGIONS}


def in_final_order(cards: dict[str, dict]) -> bool:
    by_final = sorted(cards, key=lambda r: -cards[r]["finalIndex"])
    return [cards[r]["rank"] for r in by_final] == sorted(c["rank"] for c in cards.values())


async def test_a_ranking_that_could_not_be_stored_is_stored_when_rescoring_tries_again(
    evaluated, monkeypatch
):
    before = await standings(evaluated)
    leader = min(before, key=lambda r: before[r]["rank"])
    await draft(evaluated, lowering(leader))
    recompute, failures = MongoRankings.recompute, []

    async def failing_once(self, cycle_ids):
        if not failures:
            failures.append(list(cycle_ids))
            raise ConnectionError("the store went away")
        await recompute(self, cycle_ids)

    monkeypatch.setattr(MongoRankings, "recompute", failing_once)

    await evaluated('mutation { activateRuleSet(id: "v2") { id } }')
    await evaluated.settled()

    after = await standings(evaluated)
    assert failures == [["cycle-2022"]]  # the scorecards were stored, their ranking was not
    assert {c["rulesetVersion"] for c in after.values()} == {2}
    assert after[leader]["rank"] > 1  # the leader fell
    assert in_final_order(after)


async def test_the_ranking_is_read_from_the_scorecards_it_shows(evaluated, monkeypatch):
    """Even while a cycle's stored ranking lags behind its scorecards (one was stored, the
    ranking not yet), the ranking's ranks agree with its finals."""
    before = await standings(evaluated)
    leader = min(before, key=lambda r: before[r]["rank"])
    await draft(evaluated, lowering(leader))

    async def lagging(self, cycle_ids):
        raise ConnectionError("the store went away")

    monkeypatch.setattr(MongoRankings, "recompute", lagging)
    await evaluated('mutation { activateRuleSet(id: "v2") { id } }')
    for _ in range(200):
        if {c["rulesetVersion"] for c in (await standings(evaluated)).values()} == {2}:
            break
        await asyncio.sleep(0.05)

    ranking = (await evaluated(RANKING))["data"]["ranking"]
    assert ranking[0]["regionCode"] != leader
    assert [c["rank"] for c in ranking] == [1, 2, 3]
    assert [c["finalIndex"] for c in ranking] == sorted(
        (c["finalIndex"] for c in ranking), reverse=True
    )


async def test_a_cycle_that_cannot_be_ranked_holds_up_no_other(evaluated, monkeypatch):
    """Its ranking is tried again on its own; the other cycles are rescored and ranked."""
    later = [campaign_opened(r, "cycle-2023") for r in REGIONS]
    await evaluated.learn(cycle_opened("cycle-2023", 2023), *later)
    for region, means in zip(REGIONS, (MALANG, WONOGIRI, SURABAYA), strict=True):
        await evaluated.learn(*assessor_scores(region, means, "cycle-2023"))
    await evaluated.settled()
    recompute, ranked, refused = MongoRankings.recompute, [], []

    async def refusing_2022(self, cycle_ids):
        if "cycle-2022" in cycle_ids:
            refused.append(list(cycle_ids))
            raise ConnectionError("the store went away")
        await recompute(self, cycle_ids)
        ranked.extend(cycle_ids)

    monkeypatch.setattr(MongoRankings, "recompute", refusing_2022)
    await draft(evaluated, lowering(REGIONS[0]))
    await evaluated('mutation { activateRuleSet(id: "v2") { id } }')
    for _ in range(200):
        if "cycle-2023" in ranked and len(refused) >= 2:  # 2022 was tried again, alone
            break
        await asyncio.sleep(0.05)

    assert "cycle-2023" in ranked
    assert all(attempt == ["cycle-2022"] for attempt in refused) and len(refused) >= 2
    later_cards = (await evaluated(LATER_RANKING))["data"]["ranking"]
    assert {c["rulesetVersion"] for c in later_cards} == {2}
