"""The programme's vocabulary and its arithmetic are defined once, in `services.contracts`:
the catalog and scoring read a program's progress alike, and the console names every
dimension, stage and cohort the contracts define, in both languages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from services.catalog import domain as catalog
from services.contracts import reference
from services.contracts.events.catalog import CycleState, RegionState
from services.contracts.progress import ProgressPoint, ProgressStage, percent_as_of
from services.scoring.domain.evidence import CycleFacts, RegionFacts
from services.scoring.domain.evidence import Program as ScoredProgram
from tests.catalog.test_domain import a_program, a_report

CATALOGUES = Path(__file__).resolve().parents[1] / "services" / "console" / "i18n"
OCT_31 = dt.date(2024, 10, 31)
TODAY = dt.date(2024, 12, 1)
# (percent, day) in the order they were recorded: a correction lowers the planning progress
CORRECTED = [(40, dt.date(2024, 3, 15)), (70, dt.date(2024, 9, 30)), (55, dt.date(2024, 10, 20))]


def points(reports: list[tuple[float, dt.date]]) -> list[ProgressPoint]:
    return [ProgressPoint(ProgressStage.PLANNING, p, day) for p, day in reports]


def test_progress_is_the_latest_dated_report_on_or_before_the_day() -> None:
    assert percent_as_of(points(CORRECTED), ProgressStage.PLANNING) == 55  # not the highest
    assert percent_as_of(points(CORRECTED), ProgressStage.PLANNING, dt.date(2024, 10, 1)) == 70
    assert percent_as_of(points(CORRECTED), ProgressStage.PLANNING, dt.date(2024, 3, 1)) == 0
    assert percent_as_of(points(CORRECTED), ProgressStage.IMPLEMENTATION) == 0
    same_day = [(30, OCT_31), (35, OCT_31)]
    assert percent_as_of(points(same_day), ProgressStage.PLANNING) == 35  # recorded later


def test_the_catalog_and_scoring_read_the_same_reports_as_the_same_progress() -> None:
    program = a_program()
    for percent, day in CORRECTED:
        program.report_progress(a_report(percent, day), TODAY)
    scored = ScoredProgram(
        program_id=program.id, name=program.name, dimension=program.dimension,
        sub_dimension=program.sub_dimension, phase=str(program.phase), start_year=2018,
        target_year=2025, planning_percent=program.planning_percent, implementation_percent=0,
        progress=tuple(points(CORRECTED)),
    )  # fmt: skip

    assert program.planning_percent == scored.planning_percent_on(TODAY) == 55
    # the readiness rule's "60% by 31 October": the correction of 20 October stands
    assert scored.planning_percent_on(OCT_31) == 55


def console_keys(language: str) -> set[str]:
    def walk(tree: dict, prefix: str) -> set[str]:
        return set().union(
            *(walk(v, f"{prefix}{k}.") if isinstance(v, dict) else {f"{prefix}{k}"}
              for k, v in tree.items())
        )  # fmt: skip

    return walk(json.loads((CATALOGUES / f"{language}.json").read_text()), "")


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_console_names_everything_the_contracts_define(language: str) -> None:
    defined = {
        *(f"dimension.{d}" for d in reference.EvaluationDimension),
        *(f"stage.{s}" for s in reference.CycleStage),
        *(f"cohort.{c}" for c in reference.COHORT_NAMES),
        *(f"smart.{d.key}" for d in reference.DIMENSIONS),
    }
    assert sorted(defined - console_keys(language)) == []


def test_every_evaluation_dimension_and_stage_has_its_name() -> None:
    assert set(reference.EVALUATION_DIMENSION_NAMES) == set(reference.EvaluationDimension)
    assert set(reference.STAGE_NAMES) == set(reference.CycleStage)
    assert catalog.CycleStage is reference.CycleStage  # the catalog's stages are the contracts'


def test_scorings_copies_of_catalog_entities_read_only_what_the_contract_publishes() -> None:
    """A field renamed or dropped in the catalog's contract breaks here, not in a scorecard."""
    for facts, state in ((RegionFacts, RegionState), (CycleFacts, CycleState)):
        published = {f.name: f.type for f in dataclasses.fields(state)}
        for read in dataclasses.fields(facts):
            kept_as = {published.get(read.name), f"{published.get(read.name)} | None"}
            assert read.type in kept_as, (facts.__name__, read.name, read.type)
