"""Evidence that arrives in batches, as the survey publishes it: one event per request.

A batch gives the scorecard the same scores as one event per score; a batch delivered again
changes nothing; a batch sent again after a lost reply (a new batch holding responses already
counted) counts each response once.
"""

from __future__ import annotations

from tests.scoring.conftest import (
    CYCLE,
    MALANG,
    REGIONS,
    assessor_batches,
    assessor_scores,
    campaign_opened,
    citizen_batch,
    cycle_opened,
    instrument_published,
    region_registered,
    score_batch,
)
from tests.scoring.test_scorecards_api import card, published_revisions, use_citizens_for_impact

COUNTED = """query($r: String!, $c: String!) { scorecard(regionCode: $r, cycleId: $c) {
  finalIndex revision counted { assessorScores citizenResponses } } }"""


async def counted(api, region):
    result = await api(COUNTED, {"r": region, "c": CYCLE})
    return result["data"]["scorecard"]


async def test_a_region_scored_in_batches_gets_the_scorecard_of_one_event_per_score(api):
    one_by_one, batched = REGIONS[0], REGIONS[1]
    await api.learn(instrument_published(), cycle_opened(), *(region_registered(r) for r in REGIONS),
                    *(campaign_opened(r) for r in REGIONS))  # fmt: skip
    events = assessor_scores(one_by_one, MALANG)
    batches = assessor_batches(batched, MALANG)
    assert (len(events), len(batches)) == (111 * 5, 5)
    await api.learn(*events, *batches)
    await api.settled()
    first, second = await card(api, one_by_one), await card(api, batched)
    assert first["finalIndex"] == second["finalIndex"]
    assert first["dimensions"] == second["dimensions"]
    assert (await counted(api, batched))["counted"]["assessorScores"] == 111 * 5


async def test_a_redelivered_batch_changes_nothing(evaluated):
    region = REGIONS[1]
    batch = score_batch(region, "a1", {"A.1": 4, "A.2": 4}, revision=2)
    await evaluated.learn(batch)
    await evaluated.settled()
    before = await counted(evaluated, region)
    published = len(published_revisions(evaluated, region))
    await evaluated.learn(batch, score_batch(region, "a1", {"A.1": 0, "A.2": 0}, revision=1))
    await evaluated.settled()
    assert await counted(evaluated, region) == before
    assert len(published_revisions(evaluated, region)) == published


async def test_a_batch_sent_again_counts_each_citizen_once(evaluated):
    region = REGIONS[0]
    await use_citizens_for_impact(evaluated)
    first = {"c1": {"D.1": 4, "D.2": 4}, "c2": {"D.1": 4, "D.2": 4}}
    await evaluated.learn(citizen_batch(region, first))
    await evaluated.settled()
    once = await counted(evaluated, region)
    assert once["counted"]["citizenResponses"] == 2
    # the field app's reply was lost: it sends the batch again, with one more citizen
    await evaluated.learn(citizen_batch(region, {**first, "c3": {"D.1": 1}}))
    await evaluated.settled()
    again = await counted(evaluated, region)
    assert again["counted"]["citizenResponses"] == 3
    # and the same citizen in two batches is one citizen
    await evaluated.learn(
        citizen_batch(region, {"c4": {"D.1": 2}}), citizen_batch(region, {"c4": {"D.1": 2}})
    )
    await evaluated.settled()
    assert (await counted(evaluated, region))["counted"]["citizenResponses"] == 4
