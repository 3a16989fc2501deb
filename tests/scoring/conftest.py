"""A scoring service on mongomock with a recording publisher, fed catalog and survey events."""

from __future__ import annotations

from typing import Any

import pytest

from services.contracts.events import survey
from services.kernel.auth import Role
from services.scoring.app import create_app
from tests import in_process
from tests import published as published_events
from tests.catalog.test_api import Recorder
from tests.published import published, response_accepted, responses_accepted
from tests.scoring.evidence import ASSESSORS, QUESTIONS_PER_DIMENSION, scores_averaging
from tests.support import running, token

ADMIN = token(Role.ADMIN)
CYCLE = "cycle-2022"
REGIONS = ("35.07", "33.12", "35.78")
INSTRUMENT = "smartcity-evaluation-2023@1"
COHORT = "kppn_ikn"


def instrument_published() -> dict[str, Any]:
    sections = []
    for letter, (dimension, count) in zip("ABCDE", QUESTIONS_PER_DIMENSION.items(), strict=True):
        questions = [{"code": f"{letter}.{n}", "type": "assessor_score", "evaluation_dimension": dimension,
                      "smart_dimension": "governance" if letter == "C" else None, "sub_dimension": None,
                      "scale_min": None, "scale_max": None} for n in range(1, count + 1)]  # fmt: skip
        sections.append({"code": letter, "title": dimension, "questions": questions})
    document = {
        "key": "smartcity-evaluation-2023",
        "version": 1,
        "title": "t",
        "sections": sections,
    }
    return published(survey.InstrumentPublished(id=INSTRUMENT, document=document))


def cycle_opened(cycle_id: str = CYCLE, year: int = 2022) -> dict[str, Any]:
    return published_events.cycle_opened(cycle_id, year, COHORT, REGIONS)


def region_registered(code: str) -> dict[str, Any]:
    return published_events.region_registered(code, COHORT)


def campaign_opened(region: str, cycle_id: str = CYCLE) -> dict[str, Any]:
    campaign = survey.CampaignOpened(
        id=f"camp-{region}-{cycle_id}", instrument_key="smartcity-evaluation-2023",
        instrument_version=1, region_code=region, cycle_id=cycle_id,
        audience=survey.Audience.ASSESSOR, quota_per_sub_dimension=50, service="",
    )  # fmt: skip
    return published(campaign)


def assessor_scores(
    region: str, means: dict[str, float], cycle_id: str = CYCLE, revision: int = 1
) -> list[dict[str, Any]]:
    """Scores averaging `means`, one event per score, as streams written before batches hold
    them."""
    return [
        score_event(region, code, assessor, score, cycle_id, revision)
        for code, by_assessor in scores_of(means).items()
        for assessor, score in by_assessor.items()
    ]


def assessor_batches(
    region: str, means: dict[str, float], cycle_id: str = CYCLE, revision: int = 1
) -> list[dict[str, Any]]:
    """Scores averaging `means`, one batch per assessor, as the survey publishes them."""
    by_assessor: dict[str, dict[str, int]] = {}
    for code, scores in scores_of(means).items():
        for assessor, score in scores.items():
            by_assessor.setdefault(assessor, {})[code] = score
    return [score_batch(region, assessor, scores, cycle_id, revision)
            for assessor, scores in by_assessor.items()]  # fmt: skip


def scores_of(means: dict[str, float]) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for dimension, mean in means.items():
        letter = "ABCDE"[list(QUESTIONS_PER_DIMENSION).index(dimension)]
        codes = [f"{letter}.{n}" for n in range(1, QUESTIONS_PER_DIMENSION[dimension] + 1)]
        found |= scores_averaging(mean, codes)
    return found


def score_batch(
    region: str,
    assessor: str,
    scores: dict[str, int],
    cycle_id: str = CYCLE,
    revision: int = 1,
) -> dict[str, Any]:
    items = [survey.AcceptedItem(
        response_id=f"{region}:{code}:{assessor}", respondent=assessor, sub_dimension=None,
        answers=(survey.GivenAnswer(code, score=score),), revision=revision)
        for code, score in scores.items()]  # fmt: skip
    return responses_accepted(survey.ResponseKind.ASSESSOR_SCORE, region, cycle_id, items,
                              campaign_id=f"camp-{region}")  # fmt: skip


def citizen_batch(
    region: str, responses: dict[str, dict[str, int]], sub_dimension: str = "public_service"
) -> dict[str, Any]:
    """Citizens' responses by response id, each its answers by question code."""
    items = [survey.AcceptedItem(
        response_id=response_id, respondent=response_id, sub_dimension=sub_dimension,
        answers=tuple(survey.GivenAnswer(c, score=s) for c, s in answers.items()))
        for response_id, answers in responses.items()]  # fmt: skip
    return responses_accepted(survey.ResponseKind.CITIZEN, region, CYCLE, items,
                              campaign_id=f"citizens-{region}",
                              instrument_key="citizen-impact-2023")  # fmt: skip


def score_event(
    region: str, code: str, assessor: str, score: int, cycle_id: str = CYCLE, revision: int = 1
) -> dict[str, Any]:
    return response_accepted(
        survey.ResponseKind.ASSESSOR_SCORE, region, cycle_id,
        response_id=f"{region}:{code}:{assessor}", campaign_id=f"camp-{region}",
        respondent=assessor, answers=({"question_code": code, "score": score},), revision=revision,
    )  # fmt: skip


def citizen_event(
    region: str, response_id: str, answers: dict[str, int], sub_dimension: str = "public_service"
) -> dict[str, Any]:
    return response_accepted(
        survey.ResponseKind.CITIZEN, region, CYCLE, response_id=response_id,
        campaign_id=f"citizens-{region}", instrument_key="citizen-impact-2023",
        respondent=response_id, sub_dimension=sub_dimension,
        answers=tuple({"question_code": c, "score": s} for c, s in answers.items()),
    )  # fmt: skip


MALANG = {"baseline": 1.40, "output": 1.54, "outcome": 2.92, "impact": 2.56, "quick_win": 3.08}
WONOGIRI = {"baseline": 3.95, "output": 2.36, "outcome": 3.35, "impact": 3.88, "quick_win": 3.46}
SURABAYA = {"baseline": 3.45, "output": 2.68, "outcome": 3.56, "impact": 3.94, "quick_win": 3.52}


class Api(in_process.Api):
    """The scoring service over HTTP, called as an admin unless a call names its bearer."""

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, *, bearer: str | None = ADMIN
    ) -> dict[str, Any]:
        return await super().__call__(query, variables, bearer=bearer)

    async def settled(self) -> None:
        """Rescoring done and what it published handed to the recorder."""
        await in_process.settled(self.app)


@pytest.fixture
async def api(settings):
    published = Recorder()
    app = create_app(settings, publish=published)
    async with running(app) as client:
        yield Api(client, app, published)


@pytest.fixture
async def evaluated(api):
    """Three regions of the 2022 KPPN/IKN cohort, scored by five assessors: Malang one score
    an event, as streams written before batches hold them, the others in batches."""
    await api.learn(instrument_published(), cycle_opened(), *(region_registered(r) for r in REGIONS),
                    *(campaign_opened(r) for r in REGIONS))  # fmt: skip
    await api.learn(*assessor_scores(REGIONS[0], MALANG))
    for region, means in zip(REGIONS[1:], (WONOGIRI, SURABAYA), strict=True):
        await api.learn(*assessor_batches(region, means))
    await api.settled()
    return api


__all__ = ["ADMIN", "ASSESSORS"]
