"""The default rule set's methodology reproduces the published 2022 finals from item-level scores."""

import random
from fractions import Fraction
from pathlib import Path

import pytest

from services.scoring.domain import assessment, definitions, scorecards
from services.scoring.domain.methodology import exact_mean, exact_sum
from tests.scoring.evidence import region_evidence

DEFAULT = Path(__file__).resolve().parents[2] / "services/scoring/shipped/default_ruleset.yaml"


@pytest.fixture(scope="module")
def default():
    data, problems = definitions.parse_text(DEFAULT.read_text())
    definition, problems = definitions.read(data)
    assert problems == []
    return definition


@pytest.mark.parametrize(
    ("region", "means", "published"),
    [
        ("Kab. Malang", (1.40, 1.54, 2.92, 2.56, 3.08), 2.51),
        ("Kab. Wonogiri", (3.95, 2.36, 3.35, 3.88, 3.46), 3.31),
        ("Kota Surabaya", (3.45, 2.68, 3.56, 3.94, 3.52), 3.41),
    ],
)
def test_the_published_2022_finals_are_reproduced_within_0_015(default, region, means, published):
    dimensions = dict(
        zip(("baseline", "output", "outcome", "impact", "quick_win"), means, strict=True)
    )
    evidence = region_evidence(dimensions, year=2022, cohort="kppn_ikn")
    scored = assessment.assess(evidence, default.methodology)
    card = scorecards.compose(evidence, default, 1, scored, fired=[])
    assert abs(card.final_index - published) < 0.015, region
    assert [d.weight for d in card.dimensions] == [10, 20, 30, 10, 30]


def test_five_assessors_scoring_3_3_3_3_2_give_an_item_score_of_2_80(default):
    assert float(default.methodology.item_score([3, 3, 3, 3, 2])) == 2.8


def test_the_2023_regular_cohort_uses_its_own_weights(default):
    weights = default.methodology.weights_for(2023, "regular_2017_2019")
    assert dict(weights.weights) == {
        "baseline": 10,
        "output": 20,
        "outcome": 30,
        "impact": 20,
        "quick_win": 20,
    }


def test_the_2023_kppn_ikn_cohort_weighs_kolaborasi(default):
    weights = default.methodology.weights_for(2023, "kppn_ikn")
    assert weights.weights["kolaborasi"] == 10 and sum(weights.weights.values()) == 100


def test_the_final_index_is_rounded_half_up_only_at_the_end(default):
    evidence = region_evidence(
        {"baseline": 2.0, "output": 2.0, "outcome": 2.0, "impact": 2.0, "quick_win": 2.0}
    )
    scored = assessment.assess(evidence, default.methodology)
    assert float(scored.final_index) == 2.0
    assert scorecards.compose(evidence, default, 1, scored, fired=[]).grade == "Cukup"


def test_an_exact_sum_equals_adding_the_fractions_one_by_one() -> None:
    draw = random.Random(3)
    for _ in range(300):
        values = [Fraction(draw.randrange(-50, 400), draw.choice([1, 2, 3, 4, 5, 100, 7]))
                  for _ in range(draw.randrange(0, 120))]  # fmt: skip
        assert exact_sum(values) == sum(values, Fraction(0))
        assert exact_mean(values) == (sum(values, Fraction(0)) / len(values) if values else None)
