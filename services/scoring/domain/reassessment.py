"""Assessing evidence that differs from evidence already assessed in a few places: what the
difference cannot touch is taken from the first, the rest worked out again.

A plan tries hundreds of changes to one region's evidence, and each touches an item, a
sample or a program: the other items, samples and programs score as they did. Evidence
changed by `dataclasses.replace` shares every part it does not change, so a part is the
same object as the first's exactly when it was not changed, and it is told by identity.
The outcome equals what `assessment.assess` and `facts_of` give (a test holds them equal on
every change a plan tries); a fact equal to the first's is the first's own object, so a
reader tells the facts that changed by identity too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.scoring.domain import assessment as assessing
from services.scoring.domain.evidence import Evidence
from services.scoring.domain.methodology import Methodology

Fact = dict[str, Any]


@dataclass(frozen=True)
class Assessed:
    """Evidence, its assessment and its facts, and what a later assessment may reuse."""

    evidence: Evidence
    parts: assessing.Parts
    facts: list[Fact]
    question_facts: dict[str, Fact]
    program_facts: list[Fact]

    @property
    def assessment(self) -> assessing.Assessment:
        return self.parts.assessment

    @classmethod
    def of(cls, evidence: Evidence, method: Methodology) -> Assessed:
        """Assessed whole (NoWeights when its year and cohort have none)."""
        parts = assessing.assess_parts(evidence, method)
        scored = parts.assessment
        questions = assessing.question_facts(evidence, scored)
        programs = assessing.program_facts(evidence)
        facts = _facts(evidence, scored, questions, programs)
        return cls(evidence, parts, facts, questions, programs)

    def changed_to(self, evidence: Evidence, method: Methodology) -> Assessed:
        """`evidence`, made from this one by changing some of its parts, assessed reusing
        what the change left alone."""
        first = self.evidence
        same_questions = evidence.questions is first.questions or (
            evidence.questions == first.questions
        )
        if not same_questions or (evidence.cycle, evidence.region) != (first.cycle, first.region):
            return Assessed.of(evidence, method)
        changed = _changed(evidence, first)
        parts = assessing.assess_parts(evidence, method, self.parts, changed)
        scored = parts.assessment
        questions = {
            code: fact
            for code in evidence.questions
            if (fact := self._question_fact(code, changed, evidence, scored)) is not None
        }
        programs = (
            self.program_facts
            if evidence.programs is first.programs and evidence.year == first.year
            else assessing.program_facts(evidence)
        )
        facts = _facts(evidence, scored, questions, programs, self)
        return Assessed(evidence, parts, facts, questions, programs)

    def _question_fact(
        self,
        code: str,
        changed: assessing.Changed,
        evidence: Evidence,
        scored: assessing.Assessment,
    ) -> Fact | None:
        if code not in changed.codes:
            return self.question_facts.get(code)
        built = assessing.question_fact(code, evidence, scored)
        return None if built is None else _kept(self.question_facts.get(code), built)


def _changed(evidence: Evidence, first: Evidence) -> assessing.Changed:
    """The items whose sheets or citizens' answers are not the first's, and whether the
    citizens' samples changed."""
    codes = {
        code
        for code in evidence.questions
        if evidence.assessor_scores.get(code) is not first.assessor_scores.get(code)
        or evidence.citizen_answers.get(code) != first.citizen_answers.get(code)
    }
    if evidence.citizen_scales is not first.citizen_scales:
        codes |= evidence.citizen_scales.keys() | first.citizen_scales.keys()
    samples = (evidence.citizen_respondents, evidence.citizen_target) != (
        first.citizen_respondents, first.citizen_target
    )  # fmt: skip
    return assessing.Changed(frozenset(codes) & evidence.questions.keys(), samples)


def _facts(
    evidence: Evidence,
    scored: assessing.Assessment,
    questions: dict[str, Fact],
    programs: list[Fact],
    earlier: Assessed | None = None,
) -> list[Fact]:
    """The facts in `facts_of`'s order; the region's, cycle's, final's, dimensions' and
    samples' that equal `earlier`'s at their place are `earlier`'s objects."""
    fixed = assessing.fixed_facts(evidence, scored)
    samples = assessing.impact_sample_facts(evidence)
    if earlier is not None:
        before = earlier.facts
        fixed = [_kept(before[i] if i < len(before) else None, new) for i, new in enumerate(fixed)]
        start = len(before) - len(earlier.program_facts) - len(samples)
        if start >= 0:
            samples = [_kept(before[start + i], new) for i, new in enumerate(samples)]
    return [*fixed, *questions.values(), *samples, *programs]


def _kept(earlier: Fact | None, built: Fact) -> Fact:
    """The earlier fact's own object when the new one equals it."""
    return earlier if earlier is not None and earlier == built else built
