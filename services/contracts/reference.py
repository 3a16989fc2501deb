"""Reference data every service reads: the evaluation dimensions the methodology scores, and
the six smart city dimensions with their eighteen sub-dimensions (2023 evaluation wording).

Keys are the programme's vocabulary in data (events, documents, rule sets); names stay in
Indonesian and English as the ministry publishes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class EvaluationDimension(StrEnum):
    """What the evaluation scores, each with a weight in the final index."""

    BASELINE = "baseline"
    OUTPUT = "output"
    OUTCOME = "outcome"
    IMPACT = "impact"
    QUICK_WIN = "quick_win"
    KOLABORASI = "kolaborasi"


@dataclass(frozen=True)
class SubDimension:
    key: str
    name: str
    dimension: str


@dataclass(frozen=True)
class Dimension:
    key: str
    name: str
    sub_dimensions: tuple[SubDimension, ...]


def _dimension(key: str, name: str, *subs: tuple[str, str]) -> Dimension:
    return Dimension(key, name, tuple(SubDimension(k, n, key) for k, n in subs))


MAX_CYCLE_REGIONS = 600  # in one evaluation cycle: all 514 regencies and cities, and room

DIMENSIONS: tuple[Dimension, ...] = (
    _dimension(
        "governance",
        "Smart Governance",
        ("public_service", "Layanan Publik"),
        ("public_policy", "Kebijakan Publik"),
        ("bureaucracy", "Tata Kelola Birokrasi"),
    ),
    _dimension(
        "branding",
        "Smart Branding",
        ("tourism", "Ekosistem Pariwisata"),
        ("business", "Ekosistem Bisnis Daerah"),
        ("city_appearance", "Wajah Kota"),
    ),
    _dimension(
        "economy",
        "Smart Economy",
        ("industry", "Ekosistem Industri"),
        ("welfare", "Kesejahteraan Rakyat"),
        ("transaction", "Ekosistem Transaksi Keuangan"),
    ),
    _dimension(
        "living",
        "Smart Living",
        ("harmony", "Harmonisasi Tata Ruang Wilayah"),
        ("health", "Prasarana Kesehatan"),
        ("mobility", "Sarana Telekomunikasi dan Transportasi"),
    ),
    _dimension(
        "society",
        "Smart Society",
        ("community", "Komunitas"),
        ("education", "Pendidikan"),
        ("security", "Keamanan"),
    ),
    _dimension(
        "environment",
        "Smart Environment",
        ("protection", "Proteksi Lingkungan"),
        ("waste", "Sampah dan Limbah"),
        ("energy", "Energi"),
    ),
)

DIMENSION_BY_KEY: dict[str, Dimension] = {d.key: d for d in DIMENSIONS}
SUB_DIMENSIONS_OF: dict[str, tuple[str, ...]] = {
    d.key: tuple(s.key for s in d.sub_dimensions) for d in DIMENSIONS
}
DIMENSION_OF_SUB: dict[str, str] = {s.key: d.key for d in DIMENSIONS for s in d.sub_dimensions}
