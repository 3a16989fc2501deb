"""Where impact items get their scores: the assessors (the default, as published), the
citizens' survey mapped from its own answer scale, or a blend; the survey is shown beside."""

from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from services.scoring.domain import assessment, definitions, scorecards
from services.scoring.domain.evidence import CycleFacts, Evidence, Question, RegionFacts

DEFAULT = Path(__file__).resolve().parents[2] / "services/scoring/shipped/default_ruleset.yaml"

# two sub-dimensions: "layanan" (D.1, D.2) and "kebijakan" (D.3); assessors score 0-4
QUESTIONS = {
    "A.1": Question("A.1", "baseline"),
    "D.1": Question("D.1", "impact", "governance", "layanan"),
    "D.2": Question("D.2", "impact", "governance", "layanan"),
    "D.3": Question("D.3", "impact", "governance", "kebijakan"),
}
ASSESSORS = {
    "A.1": {"a1": 2, "a2": 2},
    "D.1": {"a1": 3, "a2": 3},
    "D.2": {"a1": 2, "a2": 3},
    "D.3": {"a1": 1, "a2": 1},
}


def evidence(answers: dict[str, list[int]]) -> Evidence:
    """Citizens answering 1-4 (the 2023 survey's scale), `answers` per question."""
    return Evidence(
        region=RegionFacts("35.07"),
        cycle=CycleFacts("c-2023", 2023, "kppn_ikn"),
        questions=QUESTIONS,
        assessor_scores=ASSESSORS,
        citizen_answers={code: (sum(given), len(given)) for code, given in answers.items()},
        citizen_scales={code: (1, 4) for code in ("D.1", "D.2", "D.3")},
        citizen_respondents={"layanan": 2, "kebijakan": 2},
    )


def methodology(**impact):
    data = yaml.safe_load(DEFAULT.read_text())
    data["methodology"]["impact"] = impact
    definition, problems = definitions.read(data)
    assert problems == []
    return definition.methodology


ANSWERS = {"D.1": [4, 4], "D.2": [1, 2], "D.3": [3, 4]}


def impact_items(**impact) -> dict[str, Fraction | None]:
    scored = assessment.assess(evidence(ANSWERS), methodology(**impact))
    return {code: scored.item_scores[code] for code in ("D.1", "D.2", "D.3")}


def test_by_default_the_assessors_score_impact_whatever_the_citizens_answered():
    data = yaml.safe_load(DEFAULT.read_text())
    definition, _ = definitions.read(data)
    scored = assessment.assess(evidence(ANSWERS), definition.methodology)
    assert scored.item_scores["D.1"] == 3 and scored.item_scores["D.2"] == Fraction(5, 2)
    assert scored.dimension_scores["impact"] == Fraction(3 + Fraction(5, 2) + 1, 3)


def test_citizens_mapped_linearly_put_answers_of_1_to_4_onto_0_to_4():
    items = impact_items(source="citizens", mapping="linear")
    # mean answers 4, 1.5 and 3.5 on 1-4: (mean - 1) / 3 * 4
    assert items == {"D.1": 4, "D.2": Fraction(2, 3), "D.3": Fraction(10, 3)}


def test_citizens_mapped_by_identity_keep_their_mean_answer():
    assert impact_items(source="citizens", mapping="identity") == {
        "D.1": 4, "D.2": Fraction(3, 2), "D.3": Fraction(7, 2),
    }  # fmt: skip


def test_a_blend_weighs_the_citizens_by_their_percent():
    items = impact_items(source="blend", citizens_percent=25, mapping="linear")
    # a quarter of the citizens' linear score, three quarters of the assessors' mean
    assert items["D.1"] == Fraction(1, 4) * 4 + Fraction(3, 4) * 3
    assert items["D.3"] == Fraction(1, 4) * Fraction(10, 3) + Fraction(3, 4) * 1


def test_an_item_no_citizen_answered_keeps_the_assessors_score_under_citizens_and_blend():
    for impact in ({"source": "citizens"}, {"source": "blend"}):
        scored = assessment.assess(evidence({"D.1": [4]}), methodology(**impact))
        assert scored.item_scores["D.2"] == Fraction(5, 2) and scored.item_scores["D.3"] == 1


def test_the_survey_is_shown_beside_the_assessors_scores_per_sub_dimension():
    method = methodology(source="assessors", mapping="linear")
    scored = assessment.assess(evidence(ANSWERS), method)
    data = yaml.safe_load(DEFAULT.read_text())
    definition, _ = definitions.read(data)
    card = scorecards.compose(evidence(ANSWERS), definition, 1, scored, fired=[])
    beside = {b.sub_dimension: b for b in card.impact_survey}
    assert beside["layanan"] == scorecards.ImpactBeside(
        sub_dimension="layanan", smart_dimension="governance", assessors=2.75,
        citizens=round((4 + 2 / 3) / 2, 4), mean_answer=2.75, respondents=2,
    )  # fmt: skip
    assert (beside["kebijakan"].assessors, beside["kebijakan"].citizens) == (1.0, 3.3333)


@pytest.mark.parametrize(
    ("impact", "path"),
    [
        ({"source": "survey"}, "methodology.impact.source"),
        ({"mapping": "log"}, "methodology.impact.mapping"),
        ({"source": "blend", "citizens_percent": 120}, "methodology.impact.citizens_percent"),
        ({"weight": 3}, "methodology.impact.weight"),
    ],
)
def test_a_wrong_impact_method_is_refused_at_its_path(impact, path):
    data = yaml.safe_load(DEFAULT.read_text())
    data["methodology"]["impact"] = impact
    _, problems = definitions.read(data)
    assert [p.path for p in problems] == [path]
