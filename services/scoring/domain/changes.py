"""What a region can change in its evidence, one step at a time.

A change is something a region's staff and mentors can act on before an evaluation: an item
the assessors scored, raised by one step on every assessor's sheet; an item nobody scored
yet, scored; an impact sub-dimension's citizens' sample completed, or its citizens' mean
answer one step higher; a quick win proposed with its planning complete by 31 October. What
a change is worth is not judged here: the planner scores each changed evidence as scoring
does, methodology and rules. The rule set adds changes of its own (`rule_changes`): a fact
brought to meet a rewarding rule's condition, or out of a penalising one's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from services.contracts.progress import ProgressPoint, ProgressStage
from services.scoring.domain.evidence import Evidence, Program
from services.scoring.domain.methodology import Methodology
from services.scoring.domain.rule_changes import Edit, rule_moves
from services.scoring.domain.rules import Rule

PLANNED = "planned"  # the sheet a hypothetical or planned score is written on
IMPACT = "impact"


class ChangeKind(StrEnum):
    RAISE_ITEM = "raise_item"  # every assessor's score of the item one step higher
    SCORE_ITEM = "score_item"  # an item nobody scored, scored
    COMPLETE_SAMPLE = "complete_sample"  # a sub-dimension's citizens up to the target
    RAISE_CITIZENS = "raise_citizens"  # a sub-dimension's citizens' mean one step higher
    READY_QUICK_WIN = "ready_quick_win"  # proposed, its planning complete by 31 October
    MEET_RULE = "meet_rule"  # a fact brought to meet a rewarding rule's condition
    ESCAPE_RULE = "escape_rule"  # a fact brought out of a penalising rule's condition


ChangeKey = tuple[str, str, str]  # kind, subject, rule


@dataclass(frozen=True)
class Change:
    """One change: its kind, what it changes (a question code, a sub-dimension or a program
    id) and the value before and after (an item's mean score, a number of citizens, a mean
    answer, a planning percent). A rule's change names the rule and the fact's fields it
    moves (`edits`); `before` and `after` are then its first field's."""

    kind: ChangeKind
    subject: str
    before: float | None
    after: float
    rule: str = ""
    edits: tuple[Edit, ...] = ()

    @property
    def key(self) -> ChangeKey:
        return self.kind.value, self.subject, self.rule


def changes_of(evidence: Evidence, method: Methodology, rules: Sequence[Rule] = ()) -> list[Change]:
    """Every change the evidence allows: first those the rules point to, then in the
    instrument's order its items, its impact sub-dimensions and its programs."""
    return [
        *_rule_changes(evidence, method, rules),
        *_item_changes(evidence, method),
        *_sample_changes(evidence),
        *_quick_win_changes(evidence),
    ]


def change_of(
    evidence: Evidence, method: Methodology, key: ChangeKey, rules: Sequence[Rule] = ()
) -> Change | None:
    """The change of that kind, subject and rule the evidence allows now, if any is left (an
    item raised twice is raised from where the first step left it)."""
    kind, _, rule = key
    if kind in (ChangeKind.MEET_RULE, ChangeKind.ESCAPE_RULE):
        found = list(_rule_changes(evidence, method, [r for r in rules if r.id == rule]))
    else:
        found = changes_of(evidence, method)
    return next((c for c in found if c.key == key), None)


def applied(evidence: Evidence, change: Change, method: Methodology) -> Evidence:
    """The evidence as it would be once the change is made."""
    match change.kind:
        case ChangeKind.RAISE_ITEM:
            raised = {
                sheet: min(score + 1, method.scale_max)
                for sheet, score in evidence.assessor_scores[change.subject].items()
            }
            return _with_scores(evidence, change.subject, raised)
        case ChangeKind.SCORE_ITEM:
            return _with_scores(evidence, change.subject, {PLANNED: int(change.after)})
        case ChangeKind.COMPLETE_SAMPLE:
            return _sample_completed(evidence, change.subject)
        case ChangeKind.RAISE_CITIZENS:
            return _citizens_raised(evidence, change.subject)
        case ChangeKind.READY_QUICK_WIN:
            return _quick_win_ready(evidence, change.subject)
        case ChangeKind.MEET_RULE | ChangeKind.ESCAPE_RULE:
            for edit in change.edits:
                evidence = _EDITS[edit.fact, edit.field](evidence, change.subject, edit.value)
            return evidence


def with_item_scores(evidence: Evidence, scores: dict[str, int]) -> Evidence:
    """The evidence with each named item scored as given, on one sheet (a what-if)."""
    assessor_scores = dict(evidence.assessor_scores)
    for code, score in scores.items():
        assessor_scores[code] = {PLANNED: score}
    return dataclasses.replace(evidence, assessor_scores=assessor_scores)


def _with_scores(evidence: Evidence, code: str, sheets: dict[str, int]) -> Evidence:
    return dataclasses.replace(evidence, assessor_scores={**evidence.assessor_scores, code: sheets})


def _item_changes(evidence: Evidence, method: Methodology) -> Iterator[Change]:
    for code in evidence.questions:
        sheets = evidence.assessor_scores.get(code)
        if sheets:
            mean = Fraction(sum(sheets.values()), len(sheets))
            if any(score < method.scale_max for score in sheets.values()):
                raised = [min(s + 1, method.scale_max) for s in sheets.values()]
                after = Fraction(sum(raised), len(raised))
                yield Change(ChangeKind.RAISE_ITEM, code, float(mean), float(after))
        else:
            yield Change(ChangeKind.SCORE_ITEM, code, None, _first_score(evidence, code, method))


def _first_score(evidence: Evidence, code: str, method: Methodology) -> float:
    """An unscored item scored as well as its dimension's scored items are on average,
    rounded up to a whole step, and at least one step above the scale's bottom: the least
    that does not pull the dimension down."""
    dimension = evidence.questions[code].evaluation_dimension
    scored = [
        Fraction(sum(sheets.values()), len(sheets))
        for other, sheets in evidence.assessor_scores.items()
        if sheets and other in evidence.questions
        and evidence.questions[other].evaluation_dimension == dimension
    ]  # fmt: skip
    mean = sum(scored, Fraction(0)) / len(scored) if scored else Fraction(method.scale_min)
    return float(min(max(math.ceil(mean), method.scale_min + 1), method.scale_max))


def _impact_codes(evidence: Evidence) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for code, question in evidence.questions.items():
        if question.evaluation_dimension == IMPACT and question.sub_dimension:
            grouped.setdefault(question.sub_dimension, []).append(code)
    return grouped


def _answer_scale(evidence: Evidence, code: str) -> tuple[int, int]:
    question = evidence.questions[code]
    return evidence.citizen_scales.get(code, (question.answer_min, question.answer_max))


def _mean_answer(evidence: Evidence, codes: list[str]) -> Fraction | None:
    means = [
        Fraction(total, count)
        for code in codes
        for total, count in [evidence.citizen_answers.get(code, (0, 0))]
        if count
    ]
    return sum(means, Fraction(0)) / len(means) if means else None


def _sample_changes(evidence: Evidence) -> Iterator[Change]:
    target = evidence.citizen_target
    for sub_dimension, codes in sorted(_impact_codes(evidence).items()):
        respondents = evidence.citizen_respondents.get(sub_dimension, 0)
        if respondents < target:
            yield Change(ChangeKind.COMPLETE_SAMPLE, sub_dimension, respondents, target)
        mean = _mean_answer(evidence, codes)
        if mean is not None and any(
            evidence.citizen_answers.get(c, (0, 0))[1] and
            Fraction(*evidence.citizen_answers[c]) < _answer_scale(evidence, c)[1]
            for c in codes
        ):  # fmt: skip
            raised = _mean_answer(_citizens_raised(evidence, sub_dimension), codes)
            yield Change(ChangeKind.RAISE_CITIZENS, sub_dimension, float(mean), float(raised or 0))


def _sample_completed(evidence: Evidence, sub_dimension: str) -> Evidence:
    return _sample_grown(evidence, sub_dimension, evidence.citizen_target)


def _sample_grown(evidence: Evidence, sub_dimension: str, target: int) -> Evidence:
    """Citizens up to `target`, the newcomers answering as those before them did on
    average (the middle of the answer scale where nobody answered yet). An answer pair is
    (sum, count): both are scaled, which keeps each mean exact."""
    answers = dict(evidence.citizen_answers)
    for code in _impact_codes(evidence)[sub_dimension]:
        total, count = answers.get(code, (0, 0))
        if count:
            answers[code] = (total * target, count * target)
        else:
            low, high = _answer_scale(evidence, code)
            answers[code] = ((low + high) * target, 2 * target)
    respondents = {**evidence.citizen_respondents, sub_dimension: target}
    return dataclasses.replace(evidence, citizen_answers=answers, citizen_respondents=respondents)


def _citizens_raised(evidence: Evidence, sub_dimension: str) -> Evidence:
    """Every answered item of the sub-dimension, its mean answer one step higher, up to the
    top of its scale."""
    answers = dict(evidence.citizen_answers)
    for code in _impact_codes(evidence)[sub_dimension]:
        total, count = answers.get(code, (0, 0))
        if count:
            top = _answer_scale(evidence, code)[1]
            answers[code] = (min(total + count, top * count), count)
    return dataclasses.replace(evidence, citizen_answers=answers)


def _quick_win_changes(evidence: Evidence) -> Iterator[Change]:
    deadline = _deadline(evidence)
    for program in evidence.programs:
        planning = program.planning_percent_on(deadline)
        if evidence.year not in program.quick_win_years or planning < 100:
            yield Change(ChangeKind.READY_QUICK_WIN, program.program_id, planning, 100.0)


def _deadline(evidence: Evidence) -> dt.date:
    return dt.date(evidence.year, 10, 31)


def _quick_win_ready(evidence: Evidence, program_id: str) -> Evidence:
    deadline = _deadline(evidence)

    def ready(program: Program) -> Program:
        if program.program_id != program_id:
            return program
        years = tuple(sorted({*program.quick_win_years, evidence.year}))
        done = ProgressPoint(ProgressStage.PLANNING.value, 100.0, deadline)
        return dataclasses.replace(
            program,
            quick_win_years=years,
            progress=(*program.progress, done),
            planning_percent=max(program.planning_percent, 100.0),
        )

    return dataclasses.replace(evidence, programs=tuple(ready(p) for p in evidence.programs))


def _rule_changes(
    evidence: Evidence, method: Methodology, rules: Sequence[Rule]
) -> Iterator[Change]:
    for move in rule_moves(evidence, method, rules):
        kind = ChangeKind.MEET_RULE if move.rewards else ChangeKind.ESCAPE_RULE
        after = float(move.edits[0].value)
        yield Change(kind, move.subject, move.before, after, move.rule, move.edits)


def _item_scored_at_least(evidence: Evidence, code: str, value: float | bool) -> Evidence:
    """Every assessor's score of the item at least `value`."""
    sheets = {s: max(score, int(value)) for s, score in evidence.assessor_scores[code].items()}
    return _with_scores(evidence, code, sheets)


def _respondents(evidence: Evidence, sub_dimension: str, value: float | bool) -> Evidence:
    return _sample_grown(evidence, sub_dimension, int(value))


def _filled(evidence: Evidence, sub_dimension: str, value: float | bool) -> Evidence:
    """The sample grown to the fewest citizens whose fill percent (as its fact rounds it)
    reaches `value`."""
    target = evidence.citizen_target
    needed = math.ceil(float(value) * target / 100)
    while round(100 * needed / target, 2) < float(value):
        needed += 1
    return _sample_grown(evidence, sub_dimension, needed)


def _program_edit(
    change: Callable[[Program, Evidence, float | bool], Program],
) -> Callable[[Evidence, str, float | bool], Evidence]:
    def edit(evidence: Evidence, program_id: str, value: float | bool) -> Evidence:
        programs = tuple(
            change(p, evidence, value) if p.program_id == program_id else p
            for p in evidence.programs
        )
        return dataclasses.replace(evidence, programs=programs)

    return edit


def _planned_by_deadline(program: Program, evidence: Evidence, value: float | bool) -> Program:
    done = ProgressPoint(ProgressStage.PLANNING.value, float(value), _deadline(evidence))
    planned = max(program.planning_percent, float(value))
    return dataclasses.replace(
        program, progress=(*program.progress, done), planning_percent=planned
    )


def _proposed(program: Program, evidence: Evidence, value: float | bool) -> Program:
    years = tuple(sorted({*program.quick_win_years, evidence.year}))
    return dataclasses.replace(program, quick_win_years=years)


_EDITS: dict[tuple[str, str], Callable[[Evidence, str, float | bool], Evidence]] = {
    ("question", "score"): _item_scored_at_least,
    ("impact_sample", "respondents"): _respondents,
    ("impact_sample", "fill_percent"): _filled,
    ("program", "planning_percent"): _program_edit(
        lambda p, _, v: dataclasses.replace(p, planning_percent=float(v))
    ),
    ("program", "implementation_percent"): _program_edit(
        lambda p, _, v: dataclasses.replace(p, implementation_percent=float(v))
    ),
    ("program", "planning_percent_on_oct_31"): _program_edit(_planned_by_deadline),
    ("program", "quick_win_proposed"): _program_edit(_proposed),
}  # fmt: skip
