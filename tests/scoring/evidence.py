"""Evidence for scoring tests: an instrument laid out like the 2023 one, scored by five assessors."""

from __future__ import annotations

from services.scoring.domain import evidence

QUESTIONS_PER_DIMENSION = {"baseline": 5, "output": 7, "outcome": 33, "impact": 54, "quick_win": 12}
ASSESSORS = ("a1", "a2", "a3", "a4", "a5")


def questions() -> dict[str, evidence.Question]:
    found = {}
    for letter, (dimension, count) in zip("ABCDE", QUESTIONS_PER_DIMENSION.items(), strict=True):
        for number in range(1, count + 1):
            code = f"{letter}.{number}"
            found[code] = evidence.Question(code, dimension)
    return found


def scores_averaging(mean: float, codes: list[str]) -> dict[str, dict[str, int]]:
    """Whole-number scores by five assessors whose overall mean is the nearest possible to `mean`."""
    slots = len(codes) * len(ASSESSORS)
    total = round(mean * slots)
    base, extra = divmod(total, slots)
    flat = [base + (1 if i < extra else 0) for i in range(slots)]
    return {
        code: dict(zip(ASSESSORS, flat[i * len(ASSESSORS) : (i + 1) * len(ASSESSORS)], strict=True))
        for i, code in enumerate(codes)
    }


def region_evidence(
    means: dict[str, float], *, year: int = 2022, cohort: str = "kppn_ikn", **extra
) -> evidence.Evidence:
    asked = questions()
    scores: dict[str, dict[str, int]] = {}
    for dimension, mean in means.items():
        scores |= scores_averaging(
            mean, [c for c, q in asked.items() if q.evaluation_dimension == dimension]
        )
    return evidence.Evidence(
        region=evidence.RegionFacts("35.07", "Kab. Malang", cohort),
        cycle=evidence.CycleFacts(f"cycle-{year}", year, cohort),
        questions=asked,
        assessor_scores=scores,
        **extra,
    )
