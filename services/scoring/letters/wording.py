"""The letter's words, from the suite's message catalogue: in Bahasa Indonesia, the letter the
ministry sends, or in English; numbers and dates as id-ID or en-GB write them.

The texts are the catalogue's English msgids, marked with `N_` where they are declared
(gettext's no-op marker), and translated when a letter is written in its language.
"""

from __future__ import annotations

import datetime as dt

from services.contracts.reference import COHORT_NAMES, EVALUATION_DIMENSION_NAMES, STAGE_NAMES
from services.messages import translation_for

LANGUAGES = ("id", "en")  # the first is the letter's own


def N_(message: str) -> str:
    """Marks a message for the catalogue; it is translated where it is used."""
    return message


MONTHS = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
          N_("July"), N_("August"), N_("September"), N_("October"), N_("November"),
          N_("December"))  # fmt: skip

TEXT = {
    "title": N_("Results of the Smart City Implementation Evaluation"),
    "subtitle": N_("{stage}, {year}"),
    "to": N_("To the Government of {region}"),
    "province": N_("Province of {province}"),
    "opening": N_(
        "We hereby convey the results of the evaluation of the Movement towards Smart "
        "Cities, {stage} {year}, for {region}, as follows."
    ),
    "scores": N_("1. Scores per Evaluation Dimension"),
    "dimension": N_("Evaluation Dimension"),
    "weight": N_("Weight"),
    "score": N_("Score"),
    "weighted": N_("Weighted Score"),
    "final": N_("Final Index (Achievement Index)"),
    "grade": N_("Grade"),
    "change": N_("Change from the Previous Year"),
    "change_from": N_("{change} (from {previous})"),
    "no_previous": N_("no result of a previous year yet"),
    "rank": N_("Rank"),
    "rank_of": N_("{rank} of {ranked} regions"),
    "rank_in_cohort": N_("{rank} of {ranked} regions of the {cohort} cohort"),
    "unranked": N_("not ranked yet"),
    "findings": N_("2. Assessors' Findings"),
    "assessor": N_("Assessor: {name}"),
    "assessor_of": N_("Assessor: {name} ({institution})"),
    "strengths": N_("Strengths"),
    "weaknesses": N_("Weaknesses"),
    "recommendations": N_("Recommendations"),
    "none": N_("(none)"),
    "no_findings": N_("No assessor findings yet."),
    "findings_cut": N_(
        "{count} more findings are left out to keep the document short; all of them can "
        "be read in the console."
    ),
    "source": N_("Source: {document}"),
    "made": N_(
        "This document was made by the Smart City Evaluation Suite from scorecard revision "
        "{revision}, computed {date}."
    ),
}


class Wording:
    """The letter's words in one of LANGUAGES."""

    def __init__(self, language: str = LANGUAGES[0]) -> None:
        self.language = language
        self._ = translation_for(language).gettext

    def say(self, key: str, **values: object) -> str:
        return self._(TEXT[key]).format(**values)

    def number(self, value: float | None, places: int = 2) -> str:
        """2,94 as id-ID writes 2.94 (2.94 in en-GB); a dash for no value."""
        if value is None:
            return "-"
        written = f"{value:,.{places}f}"
        if self.language == "id":
            return written.replace(",", "_").replace(".", ",").replace("_", ".")
        return written

    def signed(self, value: float) -> str:
        return ("+" if value > 0 else "") + self.number(value)

    def date(self, day: dt.date) -> str:
        return f"{day.day} {self._(MONTHS[day.month - 1])} {day.year}"

    def stage(self, stage: str) -> str:
        name = STAGE_NAMES.get(stage)
        return self._(name) if name else stage

    def cohort(self, slug: str) -> str:
        return self._(COHORT_NAMES[slug]) if slug in COHORT_NAMES else slug.replace("_", " ")

    def dimension(self, key: str) -> str:
        return EVALUATION_DIMENSION_NAMES.get(key, key)
