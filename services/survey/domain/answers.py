"""Answers and the rules that check them against their question."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

from services.kernel.errors import ProblemCollector
from services.survey.domain.instruments import Question, QuestionType

MAX_TEXT = 5000
MAX_EVIDENCE = 20

VALUE_FIELDS: dict[QuestionType, tuple[str, ...]] = {
    # answered in a region's self-assessment with the links to its evidence (assessors score
    # with scoreAnswers, which takes a note instead)
    QuestionType.ASSESSOR_SCORE: ("score", "evidence"),
    QuestionType.LIKERT: ("score",),
    QuestionType.NUMBER: ("number",),
    QuestionType.TEXT: ("text",),
    QuestionType.SELF_ASSESSMENT: ("text", "evidence"),
    QuestionType.SINGLE_CHOICE: ("choice",),
    QuestionType.MULTIPLE_CHOICE: ("choices",),
    QuestionType.YES_NO: ("yes",),
}


@dataclass(frozen=True, kw_only=True)
class Answer:
    question_code: str
    score: int | None = None
    number: float | None = None
    text: str | None = None
    choice: str | None = None
    choices: tuple[str, ...] = ()
    yes: bool | None = None
    evidence: tuple[str, ...] = ()

    def given(self) -> dict[str, Any]:
        """The value fields the answer sets."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name != "question_code" and getattr(self, f.name) not in (None, ())
        }

    def numeric(self) -> float | None:
        """The answer as a number, for means and distributions."""
        if self.score is not None:
            return float(self.score)
        if self.number is not None:
            return self.number
        if self.yes is not None:
            return 1.0 if self.yes else 0.0
        return None

    def as_data(self) -> dict[str, Any]:
        given = self.given()
        return {"question_code": self.question_code} | {
            k: list(v) if isinstance(v, tuple) else v for k, v in given.items()
        }


def answer_from_data(data: dict[str, Any]) -> Answer:
    values = dict(data)
    for name in ("choices", "evidence"):
        values[name] = tuple(values.get(name, ()))
    return Answer(**values)


def check_answer(problems: ProblemCollector, question: Question, answer: Answer) -> None:
    at = f"answers[{question.code}]"
    allowed = VALUE_FIELDS[question.type]
    given = answer.given()
    for name in given.keys() - set(allowed):
        problems.add(f"{at}.{name}", f"{question.type} questions take {' and '.join(allowed)}")
    if not given.keys() & set(allowed):
        problems.add(f"{at}.{allowed[0]}", f"{question.code} needs {allowed[0]}")
        return
    _CHECKS[question.type](problems, question, answer, at)


def _check_scale(problems: ProblemCollector, question: Question, answer: Answer, at: str) -> None:
    low, high = question.scale or (0, 0)
    problems.check(
        answer.score is not None and low <= answer.score <= high,
        f"{at}.score",
        f"{question.code} takes a whole number from {low} to {high}",
    )


def _check_number(problems: ProblemCollector, question: Question, answer: Answer, at: str) -> None:
    ok = answer.number is not None and math.isfinite(answer.number) and abs(answer.number) < 1e12
    problems.check(ok, f"{at}.number", f"{question.code} takes a finite number")


def _check_text(problems: ProblemCollector, question: Question, answer: Answer, at: str) -> None:
    text = answer.text or ""
    problems.check(len(text) <= MAX_TEXT, f"{at}.text", f"at most {MAX_TEXT} characters")
    _check_evidence(problems, answer, at)


def _check_scored_evidence(
    problems: ProblemCollector, question: Question, answer: Answer, at: str
) -> None:
    _check_scale(problems, question, answer, at)
    _check_evidence(problems, answer, at)


def _check_evidence(problems: ProblemCollector, answer: Answer, at: str) -> None:
    problems.check(len(answer.evidence) <= MAX_EVIDENCE, f"{at}.evidence", "at most 20 links")
    for index, link in enumerate(answer.evidence):
        problems.link(f"{at}.evidence[{index}]", link)


def _check_choice(problems: ProblemCollector, question: Question, answer: Answer, at: str) -> None:
    problems.check(
        answer.choice in question.options,
        f"{at}.choice",
        f"{question.code} takes one of: {', '.join(question.options)}",
    )


def _check_choices(problems: ProblemCollector, question: Question, answer: Answer, at: str) -> None:
    unknown = [c for c in answer.choices if c not in question.options]
    problems.check(not unknown, f"{at}.choices", f"not options of {question.code}: {unknown}")
    problems.check(
        len(set(answer.choices)) == len(answer.choices), f"{at}.choices", "an option repeats"
    )


def _check_yes(problems: ProblemCollector, question: Question, answer: Answer, at: str) -> None:
    problems.check(answer.yes is not None, f"{at}.yes", f"{question.code} takes yes or no")


_CHECKS = {
    QuestionType.ASSESSOR_SCORE: _check_scored_evidence,
    QuestionType.LIKERT: _check_scale,
    QuestionType.NUMBER: _check_number,
    QuestionType.TEXT: _check_text,
    QuestionType.SELF_ASSESSMENT: _check_text,
    QuestionType.SINGLE_CHOICE: _check_choice,
    QuestionType.MULTIPLE_CHOICE: _check_choices,
    QuestionType.YES_NO: _check_yes,
}
