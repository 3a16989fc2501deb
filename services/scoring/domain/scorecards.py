"""A region's scorecard for a cycle: the methodology's numbers, then what the fired rules did.

A scorecard is revised only when its content changes; every revision is kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

from services.contracts.events.scoring import ScorecardPublished
from services.kernel.aggregate import Aggregate
from services.scoring.domain.assessment import Assessment, SurveyBeside
from services.scoring.domain.definitions import Definition
from services.scoring.domain.evidence import Evidence
from services.scoring.domain.methodology import Methodology, half_up
from services.scoring.domain.vocabulary import Effects

PLACES = 4  # scores are shown to 4 places; the final index as the methodology rounds it
EVENT_ITEMS = 50  # flags, recommendations and rules fired an event carries, of each


def scorecard_id(region_code: str, cycle_id: str) -> str:
    return f"{region_code}:{cycle_id}"


def digest(facts: list[dict[str, Any]], ruleset_version: int) -> str:
    canonical = json.dumps([ruleset_version, facts], sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class DimensionScore:
    dimension: str
    score: float | None
    weight: int
    scored_items: int
    items: int
    adjusted_by: float = 0.0


@dataclass(frozen=True)
class ImpactBeside:
    """An impact sub-dimension as scored by the assessors and as answered by its citizens."""

    sub_dimension: str
    smart_dimension: str
    assessors: float | None
    citizens: float | None  # on the score scale
    mean_answer: float | None  # on the citizens' own answer scale
    respondents: int


@dataclass(frozen=True)
class Firing:
    rule_id: str
    description: str
    matched: dict[str, dict[str, Any]]
    effects: tuple[str, ...]


@dataclass(frozen=True)
class Standing:
    """Where a region's scorecard stands in its cycle: what ranking needs, and no more."""

    region_code: str
    cohort: str
    final_index: float


@dataclass(frozen=True)
class Content:
    """Everything a scorecard says, less its bookkeeping (revision, time, digest)."""

    ruleset_version: int
    final_index: float
    grade: str | None
    dimensions: tuple[DimensionScore, ...]
    smart_dimensions: dict[str, float | None]
    previous_final_index: float | None
    improvement: float | None  # between the unrounded finals, rounded as the final is
    flags: tuple[dict[str, str], ...] = ()
    recommendations: tuple[dict[str, str | None], ...] = ()
    quick_wins: dict[str, dict[str, Any]] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    explanation: tuple[Firing, ...] = ()
    failure: str | None = None
    counted: dict[str, int] = field(default_factory=dict)  # the evidence behind the numbers
    impact_survey: tuple[ImpactBeside, ...] = ()
    unrounded_final_index: float | None = None

    @property
    def unrounded(self) -> float:
        """The final before its rounding (a scorecard stored before it was kept: the final)."""
        kept = self.unrounded_final_index
        return kept if kept is not None else self.final_index

    def as_data(self) -> dict[str, Any]:
        """As plain data for storage and events; nested mappings are shared, not copied."""
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["dimensions"] = [dict(vars(d)) for d in self.dimensions]
        data["impact_survey"] = [dict(vars(i)) for i in self.impact_survey]
        data["explanation"] = [vars(f) | {"effects": list(f.effects)} for f in self.explanation]
        data["flags"] = list(self.flags)
        data["recommendations"] = list(self.recommendations)
        return data


def _shown(value: Fraction | None, places: int = PLACES) -> float | None:
    return float(half_up(value, places)) if value is not None else None


def compose(
    evidence: Evidence,
    definition: Definition,
    version: int,
    assessment: Assessment,
    fired: list[tuple[int, dict[str, dict[str, Any]]]] | None,
    failure: str | None = None,
) -> Content:
    """The scorecard's content; `fired` lists (rule index, matched facts) in firing order."""
    method = definition.methodology
    effects, explanation = _effects(definition, fired)
    scores = _adjusted(assessment.dimension_scores, effects, method)
    unrounded = method.weighted_sum(scores, assessment.weights)
    final = method.final_index(scores, assessment.weights)
    previous = evidence.previous_unrounded
    return Content(
        ruleset_version=version,
        final_index=float(final),
        grade=effects.grade or method.grade(final),
        dimensions=tuple(
            DimensionScore(
                dimension=d,
                score=_shown(scores[d]),
                weight=assessment.weights.weights.get(d, 0),
                scored_items=assessment.coverage[d][0],
                items=assessment.coverage[d][1],
                adjusted_by=float(sum(by for by, _, _ in effects.adjustments.get(d, []))),
            )
            for d in assessment.dimension_scores
        ),
        smart_dimensions={k: _shown(v) for k, v in assessment.smart_dimension_scores.items()},
        previous_final_index=evidence.previous_final,
        improvement=method.improvement(unrounded, previous) if previous is not None else None,
        flags=tuple(effects.flags),
        recommendations=tuple(effects.recommendations),
        quick_wins=effects.quick_wins,
        values=effects.values,
        explanation=tuple(explanation),
        failure=failure,
        counted=counted(evidence),
        impact_survey=tuple(_impact_beside(b) for b in assessment.impact_survey),
        unrounded_final_index=round(float(unrounded), 6),
    )


def standing(
    definition: Definition,
    assessment: Assessment,
    fired: list[tuple[int, dict[str, dict[str, Any]]]],
) -> tuple[float, str | None]:
    """The final index and grade `compose` gives, and nothing else of the content: what a
    plan's what-if needs."""
    effects, _ = _effects(definition, fired)
    method = definition.methodology
    final = method.final_index(
        _adjusted(assessment.dimension_scores, effects, method), assessment.weights
    )
    return float(final), effects.grade or method.grade(final)


def _effects(
    definition: Definition, fired: list[tuple[int, dict[str, dict[str, Any]]]] | None
) -> tuple[Effects, list[Firing]]:
    """What the fired rules did, applied in priority order, and each firing explained."""
    effects, explanation = Effects(), []
    ordered = sorted(fired or [], key=lambda f: (-definition.rules[f[0]].priority, f[0]))
    for index, matched in ordered:
        rule = definition.rules[index]
        said = tuple(effects.apply(rule.id, action, matched) for action in rule.actions)
        explanation.append(Firing(rule.id, rule.description, matched, said))
    return effects, explanation


def _impact_beside(beside: SurveyBeside) -> ImpactBeside:
    return ImpactBeside(
        sub_dimension=beside.sub_dimension, smart_dimension=beside.smart_dimension,
        assessors=_shown(beside.assessors), citizens=_shown(beside.citizens),
        mean_answer=_shown(beside.mean_answer), respondents=beside.respondents,
    )  # fmt: skip


def counted(evidence: Evidence) -> dict[str, int]:
    """How much evidence a scorecard rests on, so a reader can tell when it has all of it."""
    return {
        "assessor_scores": sum(len(by) for by in evidence.assessor_scores.values()),
        "citizen_responses": sum(evidence.citizen_respondents.values()),
        "programs": len(evidence.programs),
    }


def _adjusted(
    scores: dict[str, Fraction | None], effects: Effects, method: Methodology
) -> dict[str, Fraction | None]:
    """Scores moved by adjust_score actions, each kept within its bounds and the scale."""
    adjusted = dict(scores)
    for dimension, moves in effects.adjustments.items():
        value = adjusted.get(dimension)
        if value is None:
            continue
        for by, low, high in moves:
            value = min(max(value + Fraction(str(by)), Fraction(str(low))), Fraction(str(high)))
        adjusted[dimension] = min(
            max(value, Fraction(method.scale_min)), Fraction(method.scale_max)
        )
    return adjusted


class Source(StrEnum):
    COMPUTED = "computed"  # by the methodology and rules from the cycle's evidence
    PUBLISHED = "published"  # imported from a published table of results


@dataclass(kw_only=True)
class Scorecard(Aggregate):
    id: str
    region_code: str
    cycle_id: str
    cohort: str
    year: int
    revision: int
    input_digest: str
    computed_at: dt.datetime
    content: Content
    source: Source = Source.COMPUTED
    document: str = ""  # a published scorecard's source: the letter or report it came from

    @property
    def standing(self) -> Standing:
        return Standing(self.region_code, self.cohort, self.content.final_index)

    @classmethod
    def first(
        cls, evidence: Evidence, content: Content, input_digest: str, at: dt.datetime
    ) -> Scorecard:
        card = cls(
            id=scorecard_id(evidence.region.code, evidence.cycle.id),
            region_code=evidence.region.code,
            cycle_id=evidence.cycle.id,
            cohort=evidence.cohort,
            year=evidence.year,
            revision=1,
            input_digest=input_digest,
            computed_at=at,
            content=content,
        )
        card._published()
        return card

    @classmethod
    def imported(
        cls, *, region_code: str, cycle_id: str, cohort: str, year: int, content: Content,
        document: str, at: dt.datetime,
    ) -> Scorecard:  # fmt: skip
        """A result as it was published in `document`."""
        card = cls(
            id=scorecard_id(region_code, cycle_id), region_code=region_code, cycle_id=cycle_id,
            cohort=cohort, year=year, revision=1, input_digest="", computed_at=at,
            content=content, source=Source.PUBLISHED, document=document,
        )  # fmt: skip
        card._published()
        return card

    def revise(self, content: Content, input_digest: str, at: dt.datetime) -> bool:
        """A new revision when the content changed; otherwise only the digest is noted."""
        self.input_digest = input_digest
        if content == self.content:
            return False
        self.content, self.revision, self.computed_at = content, self.revision + 1, at
        self._published()
        return True

    def republish(self, published: Scorecard) -> bool:
        """A published result imported again: a new revision when anything it says changed."""
        if (published.content, published.cohort, published.document) == (
            self.content, self.cohort, self.document,
        ):  # fmt: skip
            return False
        self.content, self.cohort, self.document = (
            published.content, published.cohort, published.document,
        )  # fmt: skip
        self.revision, self.computed_at = self.revision + 1, published.computed_at
        self._published()
        return True

    def as_data(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "region_code": self.region_code,
            "cycle_id": self.cycle_id,
            "cohort": self.cohort,
            "year": self.year,
            "revision": self.revision,
            "input_digest": self.input_digest,
            "computed_at": self.computed_at.isoformat(),
            "source": self.source.value,
            "document": self.document,
            **self.content.as_data(),
        }

    def as_event_data(self) -> dict[str, Any]:
        """The scorecard bounded for the stream: the first EVENT_ITEMS flags,
        recommendations and rules fired (these without their matched facts), each list's
        total beside it; the whole scorecard is a query away."""
        data = self.as_data()
        for name in ("flags", "recommendations", "explanation"):
            items = data[name]
            data[name] = items[:EVENT_ITEMS]
            data[f"{name}_total"] = len(items)
        data["explanation"] = [{k: v for k, v in f.items() if k != "matched"}
                               for f in data["explanation"]]  # fmt: skip
        return data

    def _published(self) -> None:
        self.events.append(
            ScorecardPublished.of(
                self, ruleset_version=self.content.ruleset_version,
                final_index=self.content.final_index, scorecard=self.as_event_data(),
            )
        )  # fmt: skip
