"""Reference data every service reads, each defined here once: the evaluation dimensions the
methodology scores, the stages of a cycle, the programme's cohorts, and the six smart city
dimensions with their eighteen sub-dimensions (2023 evaluation wording), with their names.

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


# the names the programme publishes; they stay as they are in every language
EVALUATION_DIMENSION_NAMES: dict[str, str] = {
    EvaluationDimension.BASELINE: "Baseline",
    EvaluationDimension.OUTPUT: "Output",
    EvaluationDimension.OUTCOME: "Outcome",
    EvaluationDimension.IMPACT: "Impact",
    EvaluationDimension.QUICK_WIN: "Quick Win",
    EvaluationDimension.KOLABORASI: "Kolaborasi",
}


class CycleStage(StrEnum):
    """The stage of a year's evaluation a cycle holds."""

    TAHAP_1 = "tahap_1"
    TAHAP_2 = "tahap_2"
    FIELD = "field"


# in English; "field review" is translated where it is shown, the others are names
STAGE_NAMES: dict[str, str] = {
    CycleStage.TAHAP_1: "Tahap I",
    CycleStage.TAHAP_2: "Tahap II",
    CycleStage.FIELD: "field review",
}
PUBLISHED_STAGE = CycleStage.TAHAP_2  # the stage whose results the ministry publishes

# The programme's cohorts so far, in English. A cohort is data (a ministry may start
# another), so it is a short slug, not an enumeration; these are the ones with a name.
COHORT_NAMES: dict[str, str] = {
    "kppn_ikn": "KPPN & IKN",
    "regular_2017_2019": "Regular (2017-2019)",
}


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
