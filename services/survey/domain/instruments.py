"""Versioned questionnaires: sections of questions with stable codes, types and tags."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

from services.contracts.events.survey import (
    InstrumentDocument,
    InstrumentPublished,
    PublishedQuestion,
    PublishedSection,
)
from services.contracts.reference import DIMENSION_BY_KEY, DIMENSION_OF_SUB, EvaluationDimension
from services.kernel.aggregate import Aggregate
from services.kernel.errors import ProblemCollector
from services.kernel.events import plain

KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}\Z")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}\Z")
ASSESSOR_SCALE = (0, 4)
LIKERT_SCALES = ((1, 4), (1, 5))
MAX_QUESTIONS = 150  # in one instrument; the 2023 instrument has 117
MAX_SECTIONS = 20  # the 2023 instrument has 6
MAX_OPTIONS = 50


class QuestionType(StrEnum):
    ASSESSOR_SCORE = "assessor_score"
    SELF_ASSESSMENT = "self_assessment"
    LIKERT = "likert"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    NUMBER = "number"
    TEXT = "text"
    YES_NO = "yes_no"


@dataclass(frozen=True, kw_only=True)
class Question:
    code: str
    text: str
    type: QuestionType
    evaluation_dimension: EvaluationDimension | None = None
    smart_dimension: str | None = None
    sub_dimension: str | None = None
    element: str = ""
    scale_min: int | None = None
    scale_max: int | None = None
    options: tuple[str, ...] = ()
    required: bool = True

    @property
    def scale(self) -> tuple[int, int] | None:
        if self.type is QuestionType.ASSESSOR_SCORE:
            return ASSESSOR_SCALE
        if self.scale_min is None or self.scale_max is None:
            return None
        return (self.scale_min, self.scale_max)

    @property
    def is_scored(self) -> bool:
        """Whether answers are points on a scale, so that means and distributions apply."""
        return self.type in (QuestionType.ASSESSOR_SCORE, QuestionType.LIKERT)

    def check(self, problems: ProblemCollector, at: str) -> None:
        problems.check(
            bool(CODE.match(self.code)), f"{at}.code", "a code is 1-40 letters, digits, . _ -"
        )
        problems.text(f"{at}.text", self.text, 2000)
        if self.type is QuestionType.LIKERT:
            problems.check(
                self.scale in LIKERT_SCALES, f"{at}.scaleMax", "a Likert scale is 1-4 or 1-5"
            )
        choice = self.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE)
        if choice:
            problems.check(
                2 <= len(self.options) <= MAX_OPTIONS
                and len(set(self.options)) == len(self.options),
                f"{at}.options",
                f"a choice needs 2-{MAX_OPTIONS} distinct options",
            )
        else:
            problems.check(not self.options, f"{at}.options", "only choice questions have options")
        if self.smart_dimension is not None:
            problems.check(
                self.smart_dimension in DIMENSION_BY_KEY,
                f"{at}.smartDimension",
                f"unknown smart city dimension {self.smart_dimension!r}",
            )
        if self.sub_dimension is not None:
            problems.check(
                DIMENSION_OF_SUB.get(self.sub_dimension) == self.smart_dimension,
                f"{at}.subDimension",
                f"{self.sub_dimension!r} is not a sub-dimension of {self.smart_dimension}",
            )


@dataclass(frozen=True, kw_only=True)
class Section:
    code: str
    title: str
    questions: tuple[Question, ...]


@dataclass(kw_only=True)
class Instrument(Aggregate):
    """A published questionnaire; a version never changes once published."""

    key: str
    instrument_version: int
    title: str
    sections: tuple[Section, ...]
    published_by: str = ""
    _by_code: dict[str, Question] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def id(self) -> str:
        return instrument_id(self.key, self.instrument_version)

    def questions(self) -> dict[str, Question]:
        """Its questions by code; a published instrument never changes, so built once."""
        if self._by_code is None:
            self._by_code = {q.code: q for s in self.sections for q in s.questions}
        return self._by_code

    def questions_of_sub_dimension(self, sub_dimension: str) -> list[Question]:
        return [q for s in self.sections for q in s.questions if q.sub_dimension == sub_dimension]

    @classmethod
    def publish(cls, **values: Any) -> Instrument:
        instrument = cls(**values)
        instrument.check()
        instrument.events.append(
            InstrumentPublished(id=instrument.id, document=published(instrument))
        )
        return instrument

    def check(self) -> None:
        problems = ProblemCollector()
        problems.check(bool(KEY.match(self.key)), "key", "a key is a short lower-case slug")
        problems.check(1 <= self.instrument_version <= 10_000, "version", "version must be 1-10000")
        problems.text("title", self.title)
        problems.check(
            1 <= len(self.sections) <= MAX_SECTIONS,
            "sections",
            f"an instrument has 1-{MAX_SECTIONS} sections",
        )
        codes: set[str] = set()
        for s, section in enumerate(self.sections):
            problems.text(f"sections[{s}].title", section.title)
            for q, question in enumerate(section.questions):
                at = f"sections[{s}].questions[{q}]"
                question.check(problems, at)
                problems.check(question.code not in codes, f"{at}.code", f"{question.code} repeats")
                codes.add(question.code)
        problems.check(
            0 < len(codes) <= MAX_QUESTIONS,
            "sections",
            f"an instrument has 1-{MAX_QUESTIONS} questions",
        )
        problems.raise_if_any()


def instrument_id(key: str, version: int) -> str:
    return f"{key}@{version}"


def published(instrument: Instrument) -> InstrumentDocument:
    """The instrument as its event publishes it."""
    return InstrumentDocument(
        key=instrument.key,
        version=instrument.instrument_version,
        title=instrument.title,
        published_by=instrument.published_by,
        sections=tuple(
            PublishedSection(s.code, s.title, tuple(_published(q) for q in s.questions))
            for s in instrument.sections
        ),
    )


def _published(question: Question) -> PublishedQuestion:
    """The question with every field the contract publishes, its type as text."""
    same = {f.name: getattr(question, f.name) for f in fields(PublishedQuestion)}
    return PublishedQuestion(**same | {"type": question.type.value})


def document(instrument: Instrument) -> dict[str, Any]:
    """The instrument as plain data, as it is published: its stored form."""
    data: dict[str, Any] = plain(published(instrument))
    return data


def from_document(data: dict[str, Any]) -> Instrument:
    """The inverse of `document`."""
    sections = tuple(
        Section(
            code=s["code"],
            title=s["title"],
            questions=tuple(
                Question(
                    code=q["code"],
                    text=q["text"],
                    type=QuestionType(q["type"]),
                    evaluation_dimension=(
                        EvaluationDimension(q["evaluation_dimension"])
                        if q.get("evaluation_dimension")
                        else None
                    ),
                    smart_dimension=q.get("smart_dimension"),
                    sub_dimension=q.get("sub_dimension"),
                    element=q.get("element", ""),
                    scale_min=q.get("scale_min"),
                    scale_max=q.get("scale_max"),
                    options=tuple(q.get("options", ())),
                    required=q.get("required", True),
                )
                for q in s["questions"]
            ),
        )
        for s in data["sections"]
    )
    return Instrument(
        key=data["key"],
        instrument_version=data["version"],
        title=data["title"],
        sections=sections,
        published_by=data.get("published_by", ""),
    )
