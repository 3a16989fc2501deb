"""Each question type takes its own kind of answer, and says so when given another."""

import pytest

from services.kernel.errors import ProblemCollector
from services.survey.domain import Answer, Question, QuestionType
from services.survey.domain.answers import check_answer


def problems_of(question: Question, answer: Answer) -> list[str]:
    problems = ProblemCollector()
    check_answer(problems, question, answer)
    return [p.field for p in problems.problems]


CHOICE = Question(code="Q", text="?", type=QuestionType.SINGLE_CHOICE, options=("a", "b"))
CHOICES = Question(code="Q", text="?", type=QuestionType.MULTIPLE_CHOICE, options=("a", "b", "c"))
NUMBER = Question(code="Q", text="?", type=QuestionType.NUMBER)
YES_NO = Question(code="Q", text="?", type=QuestionType.YES_NO)
SELF = Question(code="Q", text="?", type=QuestionType.SELF_ASSESSMENT)
LIKERT_5 = Question(code="Q", text="?", type=QuestionType.LIKERT, scale_min=1, scale_max=5)


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (CHOICE, Answer(question_code="Q", choice="b")),
        (CHOICES, Answer(question_code="Q", choices=("a", "c"))),
        (NUMBER, Answer(question_code="Q", number=12.5)),
        (YES_NO, Answer(question_code="Q", yes=False)),
        (
            SELF,
            Answer(question_code="Q", text="Perbup 2019", evidence=("https://example.org/a.pdf",)),
        ),
        (LIKERT_5, Answer(question_code="Q", score=5)),
    ],
)
def test_a_well_formed_answer_has_no_problem(question, answer):
    assert problems_of(question, answer) == []


@pytest.mark.parametrize(
    ("question", "answer", "fields"),
    [
        (CHOICE, Answer(question_code="Q", choice="z"), ["answers[Q].choice"]),
        (CHOICES, Answer(question_code="Q", choices=("a", "a")), ["answers[Q].choices"]),
        (CHOICES, Answer(question_code="Q", choices=("x",)), ["answers[Q].choices"]),
        (NUMBER, Answer(question_code="Q", number=float("nan")), ["answers[Q].number"]),
        (YES_NO, Answer(question_code="Q", score=1), ["answers[Q].score", "answers[Q].yes"]),
        (
            SELF,
            Answer(question_code="Q", text="x", evidence=("ftp://x",)),
            ["answers[Q].evidence[0]"],
        ),
        (LIKERT_5, Answer(question_code="Q", score=0), ["answers[Q].score"]),
        (LIKERT_5, Answer(question_code="Q"), ["answers[Q].score"]),
    ],
)
def test_a_malformed_answer_is_located_at_its_value(question, answer, fields):
    assert sorted(problems_of(question, answer)) == sorted(fields)


def test_a_yes_no_answer_counts_as_one_or_zero():
    assert (
        Answer(question_code="Q", yes=True).numeric(),
        Answer(question_code="Q", yes=False).numeric(),
    ) == (1.0, 0.0)
