"""The impact mapping: how citizens' mean answer to a question, on that question's own scale,
becomes a point on the evaluation's score scale. One definition, read by the survey (its
citizen-impact figures) and by scoring (the scorecard's citizen figures), so the two agree."""

from __future__ import annotations

from enum import StrEnum
from fractions import Fraction

Scale = tuple[int, int]  # lowest and highest point


class ImpactMapping(StrEnum):
    IDENTITY = "identity"  # the mean as it is
    LINEAR = "linear"  # the answer scale stretched onto the score scale, bottom to bottom


# The methodology's: citizens' answers "mapped onto the same 0-4 scale" as the assessors'.
# A rule set may choose another; the survey's own figures always use this one.
METHODOLOGY_MAPPING = ImpactMapping.LINEAR


def on_score_scale(
    mean: Fraction, answers: Scale, scores: Scale, mapping: ImpactMapping
) -> Fraction:
    """The mean answer as a point of the score scale, never outside it."""
    low, high = scores
    if mapping is ImpactMapping.LINEAR and answers[1] != answers[0]:
        mean = low + (mean - answers[0]) / (answers[1] - answers[0]) * (high - low)
    return min(max(mean, Fraction(low)), Fraction(high))
