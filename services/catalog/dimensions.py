"""The six smart city dimensions and their eighteen sub-dimensions (2023 evaluation wording)."""

from __future__ import annotations

from dataclasses import dataclass

from services.kernel.errors import BadUserInput


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

BY_KEY: dict[str, Dimension] = {d.key: d for d in DIMENSIONS}


def sub_dimension_keys(dimension: str) -> tuple[str, ...]:
    found = BY_KEY.get(dimension)
    return tuple(s.key for s in found.sub_dimensions) if found else ()


SUB_DIMENSION_KEYS = frozenset(s.key for d in DIMENSIONS for s in d.sub_dimensions)


def check_filter(dimension: str | None, sub_dimension: str | None = None) -> None:
    """A filter naming a dimension that does not exist is a mistake, not an empty result."""
    if dimension is not None and dimension not in BY_KEY:
        raise BadUserInput(
            f"unknown dimension {dimension!r} (one of: {', '.join(BY_KEY)})", "dimension"
        )
    if sub_dimension is not None and sub_dimension not in SUB_DIMENSION_KEYS:
        raise BadUserInput(f"unknown sub-dimension {sub_dimension!r}", "subDimension")
