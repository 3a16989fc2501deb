"""A synthetic national evaluation year, as the catalog and survey would publish it.

Per region: a registration, a masterplan of 50-150 programs with planning progress and a
few quick-win proposals, an assessor campaign on the 2023 instrument scored by five
assessors, and a citizen campaign answered by up to 900 citizens (50 per sub-dimension,
a few regions short of the target). One 2023 cycle per cohort. The same seed gives the
same year, so runs compare.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from services.contracts.events import catalog, survey
from services.contracts.reference import DIMENSIONS
from services.kernel.events import Event, envelope
from services.survey.domain.instruments import document
from services.survey.shipped import instruments as shipped

YEAR = 2023
ASSESSORS = ("assessor-1", "assessor-2", "assessor-3", "assessor-4", "assessor-5")
CITIZENS_PER_SUB_DIMENSION = 50
SYNC_BATCH = 100  # citizens' responses a field app syncs in one request
COHORTS = {"kppn_ikn": f"cycle-{YEAR}-kppn_ikn", "regular_2017_2019": f"cycle-{YEAR}-regular"}
SMART_DIMENSIONS = tuple(d.key for d in DIMENSIONS)
AT = dt.datetime(YEAR, 9, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Region:
    code: str
    cohort: str
    quality: float  # the region's typical assessor score, 0-4

    @property
    def cycle_id(self) -> str:
        return COHORTS[self.cohort]


def regions(count: int, seed: int = 2023) -> list[Region]:
    """`count` regions; one in five in the KPPN/IKN cohort, the rest regular."""
    chance = random.Random(seed)
    return [
        Region(
            code=f"{11 + n // 99}.{n % 99 + 1:02d}",
            cohort="kppn_ikn" if n % 5 == 0 else "regular_2017_2019",
            quality=chance.uniform(0.8, 3.6),
        )
        for n in range(count)
    ]


def _wrap(event: Event, source: str, minute: int = 0) -> dict[str, Any]:
    return envelope(event, f"/smartcity/{source}", now=AT + dt.timedelta(minutes=minute))


def opening(everywhere: list[Region]) -> Iterator[dict[str, Any]]:
    """What precedes any region's data: the instruments and each cohort's cycle."""
    for instrument in (shipped.evaluation_2023(), shipped.citizen_impact_2023()):
        yield _wrap(survey.InstrumentPublished(id=instrument.id, document=document(instrument)),
                    "survey")  # fmt: skip
    for cohort, cycle_id in COHORTS.items():
        codes = tuple(r.code for r in everywhere if r.cohort == cohort)
        if codes:
            yield _wrap(catalog.CycleOpened(id=cycle_id, year=YEAR, stage="tahap_2", cohort=cohort,
                                            opens_on=f"{YEAR}-08-01", closes_on=f"{YEAR}-12-15",
                                            region_codes=codes), "catalog")  # fmt: skip


def region_facts(region: Region, seed: int = 2023) -> Iterator[dict[str, Any]]:
    """The catalog's facts about one region: registration, programs, progress, quick wins."""
    chance = random.Random(f"{seed}:{region.code}:catalog")
    yield _wrap(catalog.RegionRegistered(code=region.code, name=f"Region {region.code}",
                                         kind="kabupaten", province=region.code[:2],
                                         cohort=region.cohort, area_km2=None, vision=""),
                "catalog")  # fmt: skip
    for number in range(chance.randint(50, 150)):
        program_id = f"{region.code}-p{number:03d}"
        planning = float(chance.choice((20, 40, 60, 80, 100)))
        yield _wrap(catalog.ProgramAdded(
            id=program_id, masterplan_id=f"{region.code}-mp", region_code=region.code,
            name=f"Program {number}", short_name="", long_name="", description="",
            dimension=chance.choice(SMART_DIMENSIONS), sub_dimension="", agency="",
            start_year=YEAR - 1, target_year=YEAR + 2, phase="short_term", funding_sources=(),
            planning_percent=planning, implementation_percent=0.0), "catalog")  # fmt: skip
        reported_on = dt.date(YEAR, chance.randint(6, 12), 15).isoformat()
        yield _wrap(catalog.ProgressReported(
            program_id=program_id, region_code=region.code, report_id=f"{program_id}-r1",
            stage="planning", percent=planning, reported_on=reported_on, note="", evidence=(),
            planning_percent=planning, implementation_percent=0.0), "catalog")  # fmt: skip
        if number % 25 == 0:
            yield _wrap(catalog.QuickWinProposed(id=f"{program_id}-qw", region_code=region.code,
                                                 program_id=program_id, year=YEAR, rationale=""),
                        "catalog")  # fmt: skip


def campaigns(region: Region, citizens: bool = True) -> Iterator[dict[str, Any]]:
    for instrument, audience in ((shipped.evaluation_2023(), "assessor"),
                                 (shipped.citizen_impact_2023(), "citizen")):  # fmt: skip
        if audience == "citizen" and not citizens:
            continue
        yield _wrap(survey.CampaignOpened(
            id=f"{region.code}-{audience}", instrument_key=instrument.key,
            instrument_version=instrument.instrument_version, region_code=region.code,
            cycle_id=region.cycle_id, audience=audience,
            quota_per_sub_dimension=CITIZENS_PER_SUB_DIMENSION, service=""), "survey")  # fmt: skip


def assessor_scores(region: Region, seed: int = 2023) -> Iterator[dict[str, Any]]:
    """Every question of the 2023 instrument scored by each of the five assessors, who mostly
    agree: a question's merit varies around the region's quality, an assessor's view of it
    a little around that. Each assessor's questionnaire is one batch, as `scoreAnswers`
    publishes it."""
    chance = random.Random(f"{seed}:{region.code}:assessors")
    instrument = shipped.evaluation_2023()
    by_assessor: dict[str, list[survey.AcceptedItem]] = {a: [] for a in ASSESSORS}
    for section in instrument.sections:
        for question in section.questions:
            merit = chance.gauss(region.quality, 0.6)
            for assessor in ASSESSORS:
                score = min(4, max(0, round(chance.gauss(merit, 0.35))))
                by_assessor[assessor].append(survey.AcceptedItem(
                    response_id=f"{region.code}-assessor:{assessor}:{question.code}",
                    respondent=assessor, sub_dimension=None,
                    answers=(survey.GivenAnswer(question.code, score=score),)))  # fmt: skip
    for items in by_assessor.values():
        yield batch(region, f"{region.code}-assessor", instrument, "assessor_score", items)


def citizen_responses(region: Region, seed: int = 2023) -> Iterator[dict[str, Any]]:
    """Up to 50 citizens per sub-dimension answering its three impact questions (1-4), synced
    by field apps in batches of `SYNC_BATCH`."""
    chance = random.Random(f"{seed}:{region.code}:citizens")
    instrument = shipped.citizen_impact_2023()
    short = chance.random() < 0.1  # a tenth of the regions miss the sample target somewhere
    items: list[survey.AcceptedItem] = []
    for section in instrument.sections:
        by_sub_dimension: dict[str, list[str]] = {}
        for question in section.questions:
            by_sub_dimension.setdefault(question.sub_dimension or "", []).append(question.code)
        for sub_dimension, codes in by_sub_dimension.items():
            count = CITIZENS_PER_SUB_DIMENSION - (chance.randint(1, 20) if short else 0)
            for number in range(count):
                answers = tuple(
                    survey.GivenAnswer(code, score=_citizen_score(chance, region.quality))
                    for code in codes
                )
                respondent = f"{region.code}-{sub_dimension}-{number}"
                items.append(survey.AcceptedItem(
                    response_id=f"{region.code}-citizen:{respondent}", respondent=respondent,
                    sub_dimension=sub_dimension, answers=answers))  # fmt: skip
    for start in range(0, len(items), SYNC_BATCH):
        yield batch(region, f"{region.code}-citizen", instrument, "citizen",
                    items[start : start + SYNC_BATCH])  # fmt: skip


def _citizen_score(chance: random.Random, quality: float) -> int:
    return min(4, max(1, round(chance.gauss(quality, 0.8))))


def batch(
    region: Region,
    campaign_id: str,
    instrument: Any,
    kind: str,
    items: list[survey.AcceptedItem],
) -> dict[str, Any]:
    return _wrap(survey.ResponsesAccepted(
        batch_id=f"{campaign_id}:{items[0].response_id}", kind=survey.ResponseKind(kind),
        campaign_id=campaign_id, region_code=region.code, cycle_id=region.cycle_id,
        instrument_key=instrument.key, instrument_version=instrument.instrument_version,
        submitted_at=(AT + dt.timedelta(days=30)).isoformat(), items=tuple(items)),
        "survey", minute=1)  # fmt: skip


def national_year(
    count: int, seed: int = 2023, live: frozenset[str] = frozenset()
) -> Iterator[dict[str, Any]]:
    """Every event of the year for `count` regions, region after region; the regions in
    `live` without their citizen campaign and responses, which a benchmark sends itself."""
    everywhere = regions(count, seed)
    yield from opening(everywhere)
    for region in everywhere:
        yield from region_facts(region, seed)
        yield from campaigns(region, citizens=region.code not in live)
        yield from assessor_scores(region, seed)
        if region.code not in live:
            yield from citizen_responses(region, seed)
