"""The results letter as an A4 PDF, laid out with fpdf2.

The letter is written in Bahasa Indonesia, or in English when asked (see `wording`). Its
fonts are embedded, subset to the characters used (see fonts/README.md): DejaVu Sans for
Latin with its extensions, Greek, Cyrillic and common symbols, and Noto Sans SC, added only
to a letter that needs it, for the Chinese characters of GB 2312 and the Japanese of
JIS X 0208. A character none of them draws (Hangul, a rarer Chinese character, an emoji) is
written as its nearest character that one does where there is one (its letter without the
accent), else `?`. A letter holds at most TEXT_BUDGET characters of findings; what is left
over is counted at the end of the findings.
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from services.scoring.domain.letters import AssessorFindings, Letter
from services.scoring.letters.wording import Wording

TEXT_BUDGET = 300_000  # characters of findings in one letter
FINDING_MOST = 5_000  # characters of one finding (what the survey accepts)
LINE = 6  # mm
LABEL = 76  # mm: the longest label, bold (some 70 mm in Bahasa Indonesia), and a gap
FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu Sans"
FAMILY_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
CJK = "Noto Sans SC"  # regular only: bold text in it is drawn regular
CJK_FILE = "NotoSansSC-Regular-GB2312-JIS0208.ttf"


@functools.cache
def _drawn_by(*files: str) -> frozenset[int]:
    """The code points these fonts have a glyph for, read once per process."""
    found: set[int] = set()
    for name in files:
        found |= set(TTFont(FONTS / name, lazy=True).getBestCmap())
    return frozenset(found)


@functools.cache
def _in_every_style() -> frozenset[int]:
    """The code points that every style of the family draws."""
    regular, bold = (_drawn_by(name) for name in FAMILY_FILES.values())
    return regular & bold


def printable(text: str) -> str:
    """The text as the letter's fonts draw it: a character none of them has is written as
    its nearest that one has, else `?` (a space, if it is a space)."""
    drawn = _drawn_by(*FAMILY_FILES.values(), CJK_FILE)
    kept = []
    for char in unicodedata.normalize("NFC", text):
        if ord(char) in drawn or char == "\n":
            kept.append(char)
            continue
        bare = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        if bare and all(ord(c) in drawn for c in bare):
            kept.append(bare)
        else:
            kept.append(" " if char.isspace() else "?")
    return "".join(kept)


class _Document(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.set_margins(20, 20, 20)
        self.set_auto_page_break(auto=True, margin=20)
        for style, name in FAMILY_FILES.items():
            self.add_font(FAMILY, style, FONTS / name)
        self._falling_back = False

    def text_of(self, value: str) -> str:
        """The value as written. A character that a style of the family lacks brings in the
        fallbacks: the family's other style, and the CJK font, embedded only where needed."""
        shown = printable(value)
        if not self._falling_back and any(
            ord(c) not in _in_every_style() for c in shown if c != "\n"
        ):
            self.add_font(CJK, "", FONTS / CJK_FILE)
            self.set_fallback_fonts([FAMILY, CJK], exact_match=False)
            self._falling_back = True
        return shown

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(FAMILY, size=8)
        self.cell(0, 10, f"{self.page_no()}/{{nb}}", align="C")

    def line_of(self, text: str, *, bold: bool = False, size: int = 10) -> None:
        self.set_font(FAMILY, "B" if bold else "", size)
        self.multi_cell(0, LINE, self.text_of(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def pair(self, label: str, value: str) -> None:
        self.set_font(FAMILY, "B", 10)
        self.cell(LABEL, LINE, self.text_of(label))
        self.set_font(FAMILY, "", 10)
        self.multi_cell(0, LINE, self.text_of(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render(letter: Letter, wording: Wording | None = None) -> bytes:
    w = wording or Wording()
    say = w.say
    pdf = _Document()
    stage = w.stage(letter.stage)
    pdf.set_title(printable(f"{say('title')} - {letter.region_name} {letter.year}"))
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
    pdf.set_font(FAMILY, "", 10)
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
