"""The letter's wording in Bahasa Indonesia, and numbers and dates as id-ID writes them."""

from __future__ import annotations

import datetime as dt

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")  # fmt: skip
STAGES = {"tahap_1": "Tahap I", "tahap_2": "Tahap II", "field": "Tinjauan Lapangan"}
DIMENSIONS = {"baseline": "Baseline", "output": "Output", "outcome": "Outcome",
              "impact": "Impact", "quick_win": "Quick Win", "kolaborasi": "Kolaborasi"}  # fmt: skip
COHORTS = {"kppn_ikn": "KPPN & IKN", "regular_2017_2019": "Reguler (2017-2019)"}

TEXT = {
    "title": "Hasil Evaluasi Implementasi Kota Cerdas (Smart City)",
    "subtitle": "{stage} Tahun {year}",
    "to": "Kepada Yth. Pemerintah {region}",
    "province": "Provinsi {province}",
    "opening": (
        "Bersama ini kami sampaikan hasil evaluasi implementasi Gerakan Menuju Kota Cerdas "
        "(Smart City) {stage} Tahun {year} bagi {region}, sebagai berikut."
    ),
    "scores": "1. Nilai per Dimensi Evaluasi",
    "dimension": "Dimensi Evaluasi",
    "weight": "Bobot",
    "score": "Nilai",
    "weighted": "Nilai Tertimbang",
    "final": "Nilai Final (Indeks Pencapaian)",
    "grade": "Predikat",
    "change": "Perubahan dari Tahun Sebelumnya",
    "change_from": "{change} (dari {previous})",
    "no_previous": "belum ada hasil tahun sebelumnya",
    "rank": "Peringkat",
    "rank_of": "{rank} dari {ranked} daerah",
    "rank_in_cohort": "{rank} dari {ranked} daerah kelompok {cohort}",
    "unranked": "belum diperingkat",
    "findings": "2. Catatan Asesor",
    "assessor": "Asesor: {name}",
    "assessor_of": "Asesor: {name} ({institution})",
    "strengths": "Kekuatan",
    "weaknesses": "Kelemahan",
    "recommendations": "Rekomendasi",
    "none": "(tidak ada)",
    "no_findings": "Belum ada catatan asesor.",
    "findings_cut": (
        "{count} catatan lainnya tidak dimuat agar dokumen tetap ringkas; semuanya dapat "
        "dibaca di konsol."
    ),
    "source": "Sumber: {document}",
    "made": (
        "Dokumen ini dibuat oleh Smart City Evaluation Suite dari kartu nilai revisi "
        "{revision}, dihitung {date}."
    ),
}


def say(key: str, **values: object) -> str:
    return TEXT[key].format(**values)


def number(value: float | None, places: int = 2) -> str:
    """2,94 as id-ID writes 2.94; a dash for no value."""
    if value is None:
        return "-"
    return f"{value:,.{places}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def signed(value: float) -> str:
    return ("+" if value > 0 else "") + number(value)


def date(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def cohort(slug: str) -> str:
    return COHORTS.get(slug, slug.replace("_", " "))
