"""Believable, repeatable answers for the demo: each region has a level, and every assessor and
citizen answers near it, so regions come out different and the same run gives the same scores."""

from __future__ import annotations

import random
from dataclasses import dataclass


def _id(value: float) -> str:
    """One decimal place, as Bahasa Indonesia writes it: 3,6."""
    return f"{value:.1f}".replace(".", ",")


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


@dataclass(frozen=True)
class RegionProfile:
    """How well a region does overall, on the 0-4 scale."""

    region_code: str
    level: float

    @classmethod
    def of(cls, region_code: str, seed: str = "demo") -> RegionProfile:
        rng = random.Random(f"{seed}:{region_code}")
        return cls(region_code, level=1.4 + 2.3 * rng.random())

    def assessor_scores(self, question_codes: list[str], assessors: list[str]) -> dict[str, dict]:
        """question code -> assessor -> a whole 0-4 score."""
        rng = random.Random(f"assessors:{self.region_code}")
        scores: dict[str, dict] = {}
        for code in question_codes:
            merit = self.level + rng.gauss(0, 0.7)
            scores[code] = {a: _clamp(merit + rng.gauss(0, 0.45), 0, 4) for a in assessors}
        return scores

    @staticmethod
    def findings(scores: dict[str, dict[str, int]]) -> list[tuple[str, str]]:
        """The lead assessor's findings, (kind, text), from the questions scored best and worst,
        in Bahasa Indonesia as assessors write them."""
        means = {code: sum(by.values()) / len(by) for code, by in scores.items() if by}
        ordered = sorted(means, key=lambda code: (means[code], code))
        worst, best = ordered[0], ordered[-1]
        return [
            (
                "STRENGTH",
                f"{best} menjadi kekuatan: asesor memberi nilai {_id(means[best])} dari 4.",
            ),
            (
                "WEAKNESS",
                f"{worst} adalah titik terlemah: asesor memberi nilai {_id(means[worst])} dari 4.",
            ),
            (
                "RECOMMENDATION",
                f"Prioritaskan {worst} dalam program tahun depan dan revisi masterplan.",
            ),
        ]

    def citizen_answers(self, question_codes: list[str], citizen: int) -> dict[str, int]:
        """question code -> a Likert 1-4 answer of one citizen."""
        rng = random.Random(f"citizen:{self.region_code}:{citizen}")
        return {code: _clamp(self.level + rng.gauss(0, 0.8), 1, 4) for code in question_codes}
