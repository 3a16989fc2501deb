"""What assessors do: who is assigned where, their scores with history, and their findings."""

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Self

from services.contracts.events.survey import AssessorsAssigned, FindingAdded
from services.kernel.aggregate import Aggregate
from services.kernel.errors import BadUserInput, Forbidden, ProblemCollector
from services.survey.domain.campaigns import Audience, Campaign
from services.survey.domain.instruments import ASSESSOR_SCALE, Instrument, QuestionType

MAX_ASSESSORS = 20
MAX_FINDINGS = 100


class FindingKind(StrEnum):
    STRENGTH = "strength"
    WEAKNESS = "weakness"
    RECOMMENDATION = "recommendation"


def assignment_id(region_code: str, cycle_id: str) -> str:
    return f"{region_code}:{cycle_id}"


@dataclass(kw_only=True)
class AssignmentFields:
    """Who assesses a region in a cycle: declared once for the command that asks for it, the
    document and the GraphQL type."""

    region_code: str
    cycle_id: str
    assessors: tuple[str, ...]


@dataclass(kw_only=True)
class Assignment(Aggregate, AssignmentFields):
    id: str

    @classmethod
    def assign(cls, region_code: str, cycle_id: str, assessors: tuple[str, ...]) -> Self:
        assignment = cls(
            id=assignment_id(region_code, cycle_id),
            region_code=region_code,
            cycle_id=cycle_id,
            assessors=(),
        )
        assignment.replace(assessors)
        return assignment

    def replace(self, assessors: tuple[str, ...]) -> None:
        problems = ProblemCollector()
        problems.check(bool(assessors), "assessors", "name at least one assessor")
        problems.check(len(assessors) <= MAX_ASSESSORS, "assessors", f"at most {MAX_ASSESSORS}")
        problems.check(len(set(assessors)) == len(assessors), "assessors", "an assessor repeats")
        for index, assessor in enumerate(assessors):
            problems.text(f"assessors[{index}]", assessor, 200)
        problems.raise_if_any()
        if assessors == self.assessors:
            return
        self.assessors = assessors
        self.events.append(AssessorsAssigned.of(self))

    def require(self, assessor: str) -> None:
        if assessor not in self.assessors:
            raise Forbidden(
                f"{assessor} is not assigned to region {self.region_code} in cycle {self.cycle_id}"
            )


@dataclass(frozen=True, kw_only=True)
class ScoreRevision:
    score: int
    note: str
    scored_at: dt.datetime


def score_id(campaign_id: str, assessor: str, question_code: str) -> str:
    return f"{campaign_id}:{assessor}:{question_code}"


@dataclass(kw_only=True)
class AssessorScore(Aggregate):
    """One assessor's score of one question; scoring again replaces it and keeps the old one."""

    id: str
    campaign_id: str
    region_code: str
    cycle_id: str
    instrument_key: str
    instrument_version: int
    assessor: str
    question_code: str
    score: int
    note: str
    scored_at: dt.datetime
    history: list[ScoreRevision] = field(default_factory=list)

    @property
    def revision(self) -> int:
        return len(self.history) + 1

    @classmethod
    def give(
        cls,
        *,
        campaign: Campaign,
        instrument: Instrument,
        assessor: str,
        question_code: str,
        score: int,
        note: str,
        at: dt.datetime,
    ) -> Self:
        if campaign.audience is not Audience.ASSESSOR:
            raise BadUserInput("only assessor campaigns take scores", "campaignId")
        campaign.require_open()
        check_score(instrument, question_code, score, note)
        given = cls(
            id=score_id(campaign.id, assessor, question_code), **campaign.placement(),
            assessor=assessor, question_code=question_code, score=score, note=note, scored_at=at,
        )  # fmt: skip
        return given

    def rescore(
        self, campaign: Campaign, instrument: Instrument, score: int, note: str, at: dt.datetime
    ) -> bool:
        """Scores again; the same score and note again (a request sent twice) change nothing."""
        campaign.require_open()
        check_score(instrument, self.question_code, score, note)
        if (score, note) == (self.score, self.note):
            return False
        self.history.append(
            ScoreRevision(score=self.score, note=self.note, scored_at=self.scored_at)
        )
        self.score, self.note, self.scored_at = score, note, at
        self.changed = True  # published with its request's batch
        return True


def check_score(
    instrument: Instrument,
    question_code: str,
    score: int,
    note: str,
    problems: ProblemCollector | None = None,
) -> None:
    """Raises the problems of one score; with `problems` given, adds them there instead."""
    found = problems if problems is not None else ProblemCollector()
    question = instrument.questions().get(question_code)
    if question is None:
        found.add("questionCode", f"{question_code} is not a question of {instrument.id}")
    elif question.type is not QuestionType.ASSESSOR_SCORE:
        found.add("questionCode", f"{question_code} is not scored by assessors")
    else:
        low, high = ASSESSOR_SCALE
        found.check(
            low <= score <= high,
            "score",
            f"{question_code} takes a whole number from {low} to {high}",
        )
    found.check(len(note) <= 5000, "note", "note is too long")
    if problems is None:
        found.raise_if_any()


def findings_id(region_code: str, cycle_id: str, assessor: str) -> str:
    return f"{region_code}:{cycle_id}:{assessor}"


@dataclass(frozen=True, kw_only=True)
class Finding:
    id: str
    kind: FindingKind
    text: str
    added_at: dt.datetime


@dataclass(kw_only=True)
class Findings(Aggregate):
    """An assessor's strengths, weaknesses and recommendations for one region and cycle."""

    id: str
    region_code: str
    cycle_id: str
    assessor: str
    items: list[Finding] = field(default_factory=list)

    def add(self, finding: Finding) -> None:
        """Adds a finding; the same finding again (a request sent twice) changes nothing."""
        if any(f.kind is finding.kind and f.text == finding.text for f in self.items):
            return
        problems = ProblemCollector()
        problems.text("text", finding.text, 5000)
        problems.check(len(self.items) < MAX_FINDINGS, "text", f"at most {MAX_FINDINGS} findings")
        problems.raise_if_any()
        self.items.append(finding)
        self.events.append(
            FindingAdded.of(self, id=finding.id, kind=finding.kind.value, text=finding.text)
        )

    def of_kind(self, kind: FindingKind) -> list[str]:
        return [f.text for f in self.items if f.kind is kind]
