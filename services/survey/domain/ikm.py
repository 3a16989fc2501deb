"""The citizen satisfaction index (IKM) of PermenPANRB 14/2017 and the Krejcie-Morgan sample."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

PUBLISHED_WEIGHT = Fraction("0.111")
CONVERSION = 25
GRADES = (
    (Decimal("88.31"), "A", "Sangat Baik"),
    (Decimal("76.61"), "B", "Baik"),
    (Decimal("65.00"), "C", "Kurang Baik"),
)
LOWEST_GRADE = ("D", "Tidak Baik")


Number = float | Fraction


def half_up(value: Number, places: int = 2) -> Decimal:
    """Rounds half up, exactly: the arithmetic before it is done in fractions."""
    exact = Fraction(repr(value)) if isinstance(value, float) else value
    with localcontext() as context:
        context.prec = 60
        decimal = Decimal(exact.numerator) / Decimal(exact.denominator)
        return decimal.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Ikm:
    nrr: tuple[Number, ...]
    weight: Fraction
    index: Decimal
    grade: str
    grade_label: str


def ikm(nrr: tuple[Number, ...], *, published_rounding: bool = False) -> Ikm:
    """Index = sum(NRR x weight) x 25, weight 1/n exactly or the published 0.111.

    NRR given as floats are read as the decimals they print as (3.2 is 32/10).
    """
    if not nrr:
        raise ValueError("an IKM needs the NRR of at least one element")
    weight = PUBLISHED_WEIGHT if published_rounding else Fraction(1, len(nrr))
    exact = [Fraction(repr(v)) if isinstance(v, float) else v for v in nrr]
    index = half_up(sum(exact, Fraction(0)) * weight * CONVERSION)
    grade, label = next(((g, lbl) for floor, g, lbl in GRADES if index >= floor), LOWEST_GRADE)
    return Ikm(nrr, weight, index, grade, label)


def krejcie_morgan(
    population: int, *, chi_square: float = 3.841, proportion: float = 0.5, margin: float = 0.05
) -> int:
    """The minimum sample for a population: X²NP(1-P) / (d²(N-1) + X²P(1-P)), rounded."""
    if population < 1:
        raise ValueError("a population has at least one member")
    spread = chi_square * proportion * (1 - proportion)
    sample = spread * population / (margin**2 * (population - 1) + spread)
    return int(half_up(sample, 0))
