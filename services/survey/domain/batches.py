"""An accepted batch: what one request accepted for one campaign, published as one event.

The batch is a document of its own, written after the responses or scores it names, and its
event lives in that document's outbox: a request cut short before its batch is written is
answered with an error, and sending it again writes the batch with every item, those stored
the first time included, so nothing acknowledged goes unpublished.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from services.contracts.events.survey import (
    AcceptedItem,
    GivenAnswer,
    ResponseKind,
    ResponsesAccepted,
)
from services.kernel.aggregate import Aggregate
from services.survey.domain.answers import Answer
from services.survey.domain.assessments import AssessorScore
from services.survey.domain.campaigns import Campaign
from services.survey.domain.responses import Response


@dataclass(kw_only=True)
class AcceptedBatch(Aggregate):
    id: str
    campaign_id: str
    region_code: str
    cycle_id: str
    kind: ResponseKind
    items: int
    accepted_at: dt.datetime

    @classmethod
    def of_scores(
        cls, campaign: Campaign, scores: Sequence[AssessorScore], at: dt.datetime
    ) -> AcceptedBatch:
        """An assessor's scores, each at its latest revision."""
        items = tuple(
            AcceptedItem(
                response_id=s.id, respondent=s.assessor, sub_dimension=None,
                answers=(GivenAnswer(s.question_code, score=s.score),), revision=s.revision,
            )
            for s in scores
        )  # fmt: skip
        return cls._of(campaign, ResponseKind.ASSESSOR_SCORE, items, at)

    @classmethod
    def of_responses(
        cls, campaign: Campaign, responses: Sequence[Response], at: dt.datetime
    ) -> AcceptedBatch:
        """Citizens' responses, each answered once."""
        items = tuple(
            AcceptedItem(
                response_id=r.id, respondent=r.respondent, sub_dimension=r.sub_dimension,
                answers=tuple(_given(a) for a in r.answers),
            )
            for r in responses
        )  # fmt: skip
        return cls._of(campaign, ResponseKind.CITIZEN, items, at)

    @classmethod
    def _of(
        cls,
        campaign: Campaign,
        kind: ResponseKind,
        items: tuple[AcceptedItem, ...],
        at: dt.datetime,
    ) -> AcceptedBatch:
        batch = cls(
            id=uuid.uuid4().hex, campaign_id=campaign.id, region_code=campaign.region_code,
            cycle_id=campaign.cycle_id, kind=kind, items=len(items), accepted_at=at,
        )  # fmt: skip
        batch.events.append(
            ResponsesAccepted(
                batch_id=batch.id, kind=kind, campaign_id=campaign.id,
                region_code=campaign.region_code, cycle_id=campaign.cycle_id,
                instrument_key=campaign.instrument_key,
                instrument_version=campaign.instrument_version,
                submitted_at=at.isoformat(), items=items,
            )
        )  # fmt: skip
        return batch


def _given(answer: Answer) -> GivenAnswer:
    return GivenAnswer(answer.question_code, **answer.given())
