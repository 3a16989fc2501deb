"""The instruments the suite ships: the 2023 evaluation, IKM, and the citizen impact survey."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from services.survey.domain.instruments import (
    EvaluationDimension,
    Instrument,
    Question,
    QuestionType,
    Section,
)

EVALUATION_2023 = "smartcity-evaluation-2023"
CITIZEN_IMPACT_2023 = "citizen-impact-2023"
IKM = "ikm-permenpanrb-14-2017"
SURVEY_PREFIX = (
    "Berdasarkan hasil survey terhadap 50 responden pengguna layanan, berapa rata-rata nilai "
)


def _load(name: str) -> dict[str, Any]:
    text = resources.files("services.survey.shipped").joinpath(name).read_text()
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _questions_2023() -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each evaluation dimension of the 2023 instrument with its questions and their element."""
    sections = []
    for dimension in _load("smartcity_2023.yaml")["dimensions"]:
        questions = []
        for indicator in dimension["indicators"]:
            for sub in indicator["subindicators"]:
                for question in sub["questions"]:
                    questions.append(question | {"element": indicator.get("element", "")})
        sections.append((dimension, questions))
    return sections


@cache
def evaluation_2023() -> Instrument:
    sections = tuple(
        Section(
            code=dimension["letter"],
            title=dimension["name_id"],
            questions=tuple(
                Question(
                    code=q["code"],
                    text=q["text_id"],
                    type=QuestionType.ASSESSOR_SCORE,
                    evaluation_dimension=EvaluationDimension(dimension["key"]),
                    smart_dimension=q.get("smart_dimension"),
                    sub_dimension=q.get("sub_dimension"),
                    element=q["element"],
                )
                for q in questions
            ),
        )
        for dimension, questions in _questions_2023()
    )
    title = "Evaluasi Implementasi Kota Cerdas (Smart City) Tahun 2023"
    return Instrument(key=EVALUATION_2023, instrument_version=1, title=title, sections=sections)


def _citizen_text(assessor_text: str) -> str:
    statement = assessor_text.removeprefix(SURVEY_PREFIX).rstrip("?").strip()
    return f"Seberapa setuju Anda: {statement}? (1 sangat tidak setuju - 4 sangat setuju)"


@cache
def citizen_impact_2023() -> Instrument:
    """The 54 impact questions put to citizens, 3 per sub-dimension, under the same codes."""
    impact = evaluation_2023().sections[3]
    by_dimension: dict[str, list[Question]] = {}
    for question in impact.questions:
        citizen = Question(
            code=question.code,
            text=_citizen_text(question.text),
            type=QuestionType.LIKERT,
            evaluation_dimension=EvaluationDimension.IMPACT,
            smart_dimension=question.smart_dimension,
            sub_dimension=question.sub_dimension,
            element=question.element,
            scale_min=1,
            scale_max=4,
        )
        by_dimension.setdefault(question.smart_dimension or "", []).append(citizen)
    sections = tuple(
        Section(code=dimension, title=f"Smart {dimension.title()}", questions=tuple(questions))
        for dimension, questions in by_dimension.items()
    )
    title = "Survei Dampak Kota Cerdas bagi Masyarakat 2023"
    return Instrument(key=CITIZEN_IMPACT_2023, instrument_version=1, title=title, sections=sections)


@cache
def ikm_2017() -> Instrument:
    data = _load("ikm_2017.yaml")
    questions = tuple(
        Question(
            code=element["code"],
            text=element["text"],
            type=QuestionType.LIKERT,
            element=element["name"],
            scale_min=1,
            scale_max=4,
        )
        for element in data["elements"]
    )
    section = Section(code="IKM", title="Unsur Pelayanan", questions=questions)
    return Instrument(
        key=data["key"],
        instrument_version=data["version"],
        title=data["title"],
        sections=(section,),
    )


def builtin_instruments() -> list[Instrument]:
    return [evaluation_2023(), citizen_impact_2023(), ikm_2017()]
