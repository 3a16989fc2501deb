"""A response is written as the data its document class would write, and read back whole."""

from __future__ import annotations

import datetime as dt

import pytest

from services.kernel.docstore import document_son
from services.survey import domain
from services.survey.domain.answers import Answer
from services.survey.storage import ResponseMapping

ANSWERS = (
    Answer(question_code="D.1.1.1", score=4),
    Answer(question_code="A.1", text="Perda 5/2021", evidence=("https://example.go.id/a.pdf",)),
    Answer(question_code="Q.7", choices=("x", "y"), number=2.5, yes=False, choice="x"),
)


def response(sub_dimension: str | None, audience: domain.Audience) -> domain.Response:
    return domain.Response(
        id="r-1", campaign_id="c-1", region_code="12.07", cycle_id="cy-1", audience=audience,
        instrument_key="citizen-impact-2023", instrument_version=2, respondent="respondent-9",
        idempotency_key="key-0000001", sub_dimension=sub_dimension, answers=ANSWERS,
        submitted_at=dt.datetime(2024, 5, 2, 8, 30, tzinfo=dt.UTC), version=3,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("sub_dimension", "audience"),
    [("public_service", domain.Audience.CITIZEN), (None, domain.Audience.SELF_ASSESSMENT)],
)
def test_a_response_is_written_as_its_document_writes_it_and_read_back(sub_dimension, audience):
    given = response(sub_dimension, audience)

    son = ResponseMapping.to_son(given)

    assert document_son(ResponseMapping.document._from_son(son)) == son
    assert ResponseMapping.to_domain(son | {"version": 3}) == given
    assert son["fingerprint"] == given.fingerprint
