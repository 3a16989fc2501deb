"""The results letter as an A4 PDF, laid out with fpdf2.

The letter is written in Bahasa Indonesia, or in English when asked (see `wording`). It uses
the PDF standard fonts (Helvetica), which cover Latin-1: Bahasa Indonesia
needs nothing more. Other characters a finding may hold are written as their nearest Latin
letter where there is one, else `?`. A letter holds at most TEXT_BUDGET characters of
findings; what is left over is counted at the end of the findings.
"""

from __future__ import annotations

import unicodedata

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from services.scoring.domain.letters import AssessorFindings, Letter
from services.scoring.letters.wording import Wording

TEXT_BUDGET = 300_000  # characters of findings in one letter
FINDING_MOST = 5_000  # characters of one finding (what the survey accepts)
PUNCTUATION = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
    "\u2014": "-", "\u2026": "...", "\u2022": "-", "\u00a0": " ",
})  # fmt: skip
LINE = 6  # mm


def latin(text: str) -> str:
    """The text in the standard fonts' Latin-1: the nearest letter, else `?`."""
    text = unicodedata.normalize("NFKC", text).translate(PUNCTUATION)
    if text.isascii():
        return text
    kept = []
    for char in text:
        if ord(char) < 256:
            kept.append(char)
            continue
        bare = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        kept.append(bare if bare and all(ord(c) < 256 for c in bare) else "?")
    return "".join(kept)


class _Document(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.set_margins(20, 20, 20)
        self.set_auto_page_break(auto=True, margin=20)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.cell(0, 10, f"{self.page_no()}/{{nb}}", align="C")

    def line_of(self, text: str, *, bold: bool = False, size: int = 10) -> None:
        self.set_font("Helvetica", "B" if bold else "", size)
        self.multi_cell(0, LINE, latin(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def pair(self, label: str, value: str) -> None:
        self.set_font("Helvetica", "B", 10)
        self.cell(70, LINE, latin(label))
        self.set_font("Helvetica", "", 10)
        self.multi_cell(0, LINE, latin(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render(letter: Letter, wording: Wording | None = None) -> bytes:
    w = wording or Wording()
    say = w.say
    pdf = _Document()
    stage = w.stage(letter.stage)
    pdf.set_title(latin(f"{say('title')} - {letter.region_name} {letter.year}"))
    pdf.set_creator("Smart City Evaluation Suite")
    pdf.set_creation_date(letter.computed_at)
    pdf.add_page()
    pdf.line_of(say("title"), bold=True, size=14)
    pdf.line_of(say("subtitle", stage=stage, year=letter.year), bold=True, size=12)
    pdf.ln(4)
    pdf.line_of(say("to", region=letter.region_name))
    if letter.province:
        pdf.line_of(say("province", province=letter.province))
    pdf.ln(2)
    pdf.line_of(say("opening", stage=stage, year=letter.year, region=letter.region_name))
    pdf.ln(3)
    _scores(pdf, letter, w)
    pdf.ln(3)
    _standing(pdf, letter, w)
    pdf.ln(4)
    _findings(pdf, letter.assessors, w)
    pdf.ln(4)
    if letter.published_in:
        pdf.line_of(say("source", document=letter.published_in), size=8)
    made = say("made", revision=letter.revision, date=w.date(letter.computed_at.date()))
    pdf.line_of(made, size=8)
    return bytes(pdf.output())


def _scores(pdf: _Document, letter: Letter, w: Wording) -> None:
    say = w.say
    pdf.line_of(say("scores"), bold=True, size=11)
    pdf.set_font("Helvetica", "", 10)
    header = (say("dimension"), say("weight"), say("score"), say("weighted"))
    with pdf.table(col_widths=(60, 30, 30, 50), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
                   line_height=LINE) as table:  # fmt: skip
        table.row(header)
        for dimension in letter.dimensions:
            weighted = (
                dimension.score * dimension.weight / 100 if dimension.score is not None else None
            )
            table.row((
                w.dimension(dimension.dimension),
                f"{dimension.weight}%", w.number(dimension.score), w.number(weighted, 4),
            ))  # fmt: skip


def _standing(pdf: _Document, letter: Letter, w: Wording) -> None:
    say = w.say
    pdf.pair(say("final"), w.number(letter.final_index))
    pdf.pair(say("grade"), letter.grade or "-")
    if letter.improvement is not None and letter.previous_final_index is not None:
        change = say(
            "change_from",
            change=w.signed(letter.improvement),
            previous=w.number(letter.previous_final_index),
        )
    else:
        change = say("no_previous")
    pdf.pair(say("change"), change)
    ranks = [say("rank_of", rank=letter.rank, ranked=letter.ranked)] if letter.rank else []
    if letter.rank_in_cohort:
        in_cohort = {"rank": letter.rank_in_cohort, "ranked": letter.ranked_in_cohort,
                     "cohort": w.cohort(letter.cohort)}  # fmt: skip
        ranks.append(say("rank_in_cohort", **in_cohort))
    pdf.pair(say("rank"), "; ".join(ranks) or say("unranked"))


def _findings(pdf: _Document, assessors: tuple[AssessorFindings, ...], w: Wording) -> None:
    say = w.say
    pdf.line_of(say("findings"), bold=True, size=11)
    if not assessors:
        pdf.line_of(say("no_findings"))
        return
    budget, left_out = TEXT_BUDGET, 0
    for assessor in assessors:
        heading = (
            say("assessor_of", name=assessor.name, institution=assessor.institution)
            if assessor.institution
            else say("assessor", name=assessor.name)
        )
        pdf.ln(2)
        pdf.line_of(heading, bold=True)
        for label, texts in (
            (say("strengths"), assessor.strengths),
            (say("weaknesses"), assessor.weaknesses),
            (say("recommendations"), assessor.recommendations),
        ):
            pdf.line_of(label, bold=True)
            if not texts:
                pdf.line_of(say("none"))
            for text in texts:
                if budget <= 0:
                    left_out += 1
                    continue
                shown = text[:FINDING_MOST]
                budget -= len(shown)
                pdf.line_of(f"- {shown}")
    if left_out:
        pdf.ln(2)
        pdf.line_of(say("findings_cut", count=left_out))
