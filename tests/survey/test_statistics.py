from decimal import Decimal

import pytest

from services.survey.domain.answers import Answer
from services.survey.domain.ikm import ikm, krejcie_morgan
from services.survey.domain.statistics import (
    CitizenResponse,
    ImpactMapping,
    citizen_impact,
    item_score,
    question_stats,
    to_evaluation_scale,
)
from services.survey.shipped.instruments import citizen_impact_2023

PUBLISHED_NRR = (3.20, 3.10, 3.00, 3.90, 3.30, 3.40, 3.50, 3.00, 3.20)


def test_an_all_4_ikm_response_gives_100_and_grade_a():
    result = ikm((4.0,) * 9)
    assert (result.index, result.grade, result.grade_label) == (
        Decimal("100.00"),
        "A",
        "Sangat Baik",
    )


def test_the_published_nrr_give_82_22_grade_b_with_exact_weights():
    result = ikm(PUBLISHED_NRR)
    assert (result.index, result.grade, result.grade_label) == (Decimal("82.22"), "B", "Baik")


def test_the_published_nrr_give_82_14_with_the_0_111_weight():
    assert ikm(PUBLISHED_NRR, published_rounding=True).index == Decimal("82.14")


@pytest.mark.parametrize(
    ("nrr", "grade"),
    [
        (3.5324, "A"),
        (3.5322, "A"),  # 88.305 rounds to 88.31
        (3.5321, "B"),
        (3.0642, "B"),  # 76.605 rounds to 76.61
        (3.0641, "C"),
        (2.5998, "C"),  # 64.995 rounds to 65.00
        (2.5997, "D"),
    ],
)
def test_grades_follow_the_permenpanrb_bands_on_the_rounded_index(nrr, grade):
    assert ikm((nrr,) * 9).grade == grade


@pytest.mark.parametrize(("population", "sample"), [(100, 80), (1_000, 278), (10_000, 370)])
def test_krejcie_morgan_minimum_samples(population, sample):
    assert krejcie_morgan(population) == sample


def test_five_assessors_scoring_3_3_3_3_2_give_an_item_score_of_2_80():
    assert item_score([3, 3, 3, 3, 2]) == pytest.approx(2.80)


def test_question_stats_count_mean_and_distribution():
    stats = question_stats("D.1.1.1", [4, 3, 3, 2])
    assert (stats.n, stats.mean, stats.distribution) == (4, 3.0, ((2, 1), (3, 2), (4, 1)))


def test_no_answers_have_no_mean():
    assert question_stats("D.1.1.1", []).mean is None


def test_a_1_to_4_mean_maps_onto_0_to_4_as_it_is_or_stretched():
    assert to_evaluation_scale(3.1, (1, 4), ImpactMapping.IDENTITY) == 3.1
    assert to_evaluation_scale(2.5, (1, 4), ImpactMapping.LINEAR) == 2.0
    assert to_evaluation_scale(5.0, (1, 5), ImpactMapping.LINEAR) == 4.0


def citizen(sub_dimension: str, codes: tuple[str, str, str], scores: tuple[int, int, int]):
    answers = tuple(Answer(question_code=c, score=s) for c, s in zip(codes, scores, strict=True))
    return CitizenResponse(sub_dimension, answers)


def test_citizen_impact_is_the_mean_of_question_means_with_quota_fill():
    codes = ("D.1.1.1", "D.1.1.2", "D.1.1.3")
    responses = [
        citizen("public_service", codes, (4, 3, 2)),
        citizen("public_service", codes, (2, 3, 4)),
    ]
    subs, dimensions = citizen_impact(citizen_impact_2023(), responses, quota=50)
    public_service = next(s for s in subs if s.sub_dimension == "public_service")
    mapped = 4 * (3.0 - 1) / (4 - 1)  # the mean 3 of 1-4 answers on the 0-4 scores, linearly
    assert (public_service.respondents, public_service.mean) == (2, 3.0)
    assert public_service.score == pytest.approx(mapped)
    assert (public_service.fill, public_service.below_target) == (0.04, True)
    governance = next(d for d in dimensions if d.dimension == "governance")
    assert (governance.respondents, governance.below_target) == (2, True)
    assert governance.score == pytest.approx(mapped)
    assert len(subs) == 18 and len(dimensions) == 6
