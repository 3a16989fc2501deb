"""The survey's citizen-impact figure and the scorecard's citizen figure map citizens' answers
onto the score scale by the same definition: for the same answers they agree, on every
answer scale and with either mapping, down to the scale's minimum."""

from __future__ import annotations

from fractions import Fraction

import pytest

from services.contracts.impact import ImpactMapping
from services.scoring.domain.methodology import Impact
from services.survey.domain.statistics import to_evaluation_scale

SCALES = [(1, 4), (1, 5), (0, 10), (-2, 2), (3, 3)]


@pytest.mark.parametrize("mapping", list(ImpactMapping))
@pytest.mark.parametrize("answers", SCALES)
def test_the_survey_and_the_scorecard_put_the_same_mean_at_the_same_point(answers, mapping):
    low, high = answers
    means = [Fraction(n, 4) for n in range(4 * low - 4, 4 * high + 5)]  # beyond both ends too
    for mean in means:
        by_survey = to_evaluation_scale(float(mean), answers, mapping)
        by_scorecard = Impact(mapping=mapping).map(mean, answers, (0, 4))
        assert by_survey == pytest.approx(float(by_scorecard), abs=1e-12), (mean, answers)
        assert 0 <= by_scorecard <= 4


def test_a_mean_below_the_score_scale_is_its_minimum_on_both():
    below = Fraction(-1)  # answers on a -2..2 scale, mapped as they are
    assert to_evaluation_scale(-1.0, (-2, 2), ImpactMapping.IDENTITY) == 0.0
    assert Impact(mapping=ImpactMapping.IDENTITY).map(below, (-2, 2), (0, 4)) == 0


def test_the_linear_mapping_puts_the_answer_scales_ends_on_the_score_scales():
    linear = Impact(mapping=ImpactMapping.LINEAR)
    assert linear.map(Fraction(1), (1, 4), (0, 4)) == 0
    assert linear.map(Fraction(4), (1, 4), (0, 4)) == 4
    assert linear.map(Fraction(5, 2), (1, 4), (0, 4)) == 2
    assert linear.map(Fraction(5, 2), (1, 4), (1, 4)) == Fraction(5, 2)  # a 1-4 score scale
