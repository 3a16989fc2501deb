"""Assessor assignments, scores and findings."""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from dataclasses import dataclass

from services.kernel import errors, ids
from services.kernel.auth import Principal, Role
from services.kernel.clock import utc_now
from services.kernel.repository import require
from services.survey import commands, domain
from services.survey.domain.assessments import (
    assignment_id,
    check_score,
    findings_id,
    score_id,
)
from services.survey.handlers.common import instrument_of, open_cycle
from services.survey.repository import Survey


async def assign_assessors(
    cmd: commands.AssignAssessors, principal: Principal, survey: Survey
) -> domain.Assignment:
    principal.require_role(Role.ADMIN)
    registered = {a.id for a in await survey.assessors.get_many(list(cmd.assessors))}
    problems = errors.ProblemCollector()
    for index, assessor in enumerate(cmd.assessors):
        problems.check(
            assessor in registered,
            f"assessors[{index}]",
            f"{assessor} is not a registered assessor",
        )
    problems.raise_if_any()
    cycle = await open_cycle(survey, cmd.cycle_id, "cycleId")
    if cmd.region_code not in cycle.region_codes:
        raise errors.BadUserInput(f"region {cmd.region_code} is not in this cycle", "regionCode")

    async def attempt() -> domain.Assignment:
        assignment = await survey.assignments.get(assignment_id(cmd.region_code, cmd.cycle_id))
        if assignment is None:
            assignment = domain.Assignment.assign(
                cmd.region_code, cmd.cycle_id, tuple(cmd.assessors)
            )
            await _add_or_retry(survey.assignments.add(assignment))
        else:
            assignment.replace(tuple(cmd.assessors))
            await survey.assignments.save(assignment)
        return assignment

    return await errors.retry_when_stale(attempt)


async def register_assessor(
    cmd: commands.RegisterAssessor, principal: Principal, survey: Survey
) -> domain.Assessor:
    """Registers an assessor, or changes a registered one's name or institution."""
    principal.require_role(Role.ADMIN)
    changes = {"name": cmd.name.strip(), "institution": cmd.institution.strip()}

    async def attempt() -> domain.Assessor:
        found = await survey.assessors.get(cmd.id) if cmd.id else None
        if found is None:
            assessor = domain.Assessor.register(id=cmd.id or ids.new_id(), **changes)
            await _add_or_retry(survey.assessors.add(assessor))
            return assessor
        if found.update(changes):
            await survey.assessors.save(found)
        return found

    return await errors.retry_when_stale(attempt)


async def _add_or_retry(adding: Awaitable[None]) -> None:
    """A first write that lost a race to another first write is retried as an update."""
    try:
        await adding
    except errors.StaleWrite:
        raise
    except errors.Conflict as conflict:
        raise errors.StaleWrite(conflict.message, conflict.field) from None


async def _require_assigned(
    survey: Survey, principal: Principal, region_code: str, cycle_id: str
) -> None:
    principal.require_role(Role.ASSESSOR)
    assignment = await survey.assignments.get(assignment_id(region_code, cycle_id))
    if assignment is None:
        message = f"no assessor is assigned to {region_code} in cycle {cycle_id}"
        raise errors.Forbidden(message, "regionCode")
    assignment.require(principal.subject)


async def score_answer(
    cmd: commands.ScoreAnswer, principal: Principal, survey: Survey
) -> domain.AssessorScore:
    campaign = await require(survey.campaigns, cmd.campaign_id, "campaign", "campaignId")
    await _require_assigned(survey, principal, campaign.region_code, campaign.cycle_id)
    await open_cycle(survey, campaign.cycle_id, "campaignId")
    instrument = await instrument_of(survey, campaign)
    given = commands.QuestionScore(cmd.question_code, cmd.score, cmd.note)
    scored, _ = await _score(survey, campaign, instrument, principal.subject, given)
    await survey.batches.add(domain.AcceptedBatch.of_scores(campaign, [scored], utc_now()))
    return scored


@dataclass
class ScoredAnswers:
    scores: list[domain.AssessorScore]
    changed: int = 0
    unchanged: int = 0


MAX_SCORES = 300  # a whole questionnaire (117 questions in 2023) in one request, with room


async def score_answers(
    cmd: commands.ScoreAnswers, principal: Principal, survey: Survey
) -> ScoredAnswers:
    """Every score is checked before any is stored. The stored scores are read in one query
    and the new ones stored in one write, each on its own key, so a request cut short is
    completed by sending it again: what is already stored as sent changes nothing. The
    scores are then published together, unchanged ones included, as one batch."""
    campaign = await require(survey.campaigns, cmd.campaign_id, "campaign", "campaignId")
    await _require_assigned(survey, principal, campaign.region_code, campaign.cycle_id)
    await open_cycle(survey, campaign.cycle_id, "campaignId")
    instrument = await instrument_of(survey, campaign)
    _check_scores(cmd, campaign, instrument)
    sheet = _Sheet(survey, campaign, instrument, principal.subject)
    report = ScoredAnswers(scores=[])
    for scored, changed in await sheet.score(cmd.scores):
        report.scores.append(scored)
        report.changed += changed
        report.unchanged += not changed
    await survey.batches.add(domain.AcceptedBatch.of_scores(campaign, report.scores, utc_now()))
    return report


@dataclass(frozen=True)
class _Sheet:
    """One assessor's scores of one campaign's questions."""

    survey: Survey
    campaign: domain.Campaign
    instrument: domain.Instrument
    assessor: str

    async def score(
        self, scores: Sequence[commands.QuestionScore]
    ) -> list[tuple[domain.AssessorScore, bool]]:
        """Each score given or changed, and whether it changed. A new score whose key another
        request took first, and a change that lost a race, are scored again one by one."""
        keys = [score_id(self.campaign.id, self.assessor, g.question_code) for g in scores]
        stored = {found.id: found for found in await self.survey.scores.get_many(keys)}
        at = utc_now()
        new = [
            domain.AssessorScore.give(
                campaign=self.campaign, instrument=self.instrument, assessor=self.assessor,
                question_code=given.question_code, score=given.score, note=given.note, at=at,
            )
            for given, key in zip(scores, keys, strict=True)
            if key not in stored
        ]  # fmt: skip
        added = await self.survey.scores.add_many(new)
        given_now = {score.id: score for score, ok in zip(new, added, strict=True) if ok}
        outcomes = []
        for given, key in zip(scores, keys, strict=True):
            if key in given_now:
                outcomes.append((given_now[key], True))
            elif key in stored and not stored[key].rescore(
                self.campaign, self.instrument, given.score, given.note, at
            ):
                outcomes.append((stored[key], False))
            else:
                outcomes.append(await self._one(given, stored.get(key)))
        return outcomes

    async def _one(
        self, given: commands.QuestionScore, changed: domain.AssessorScore | None
    ) -> tuple[domain.AssessorScore, bool]:
        """A changed score saved, or a score given again from what the store holds now."""
        if changed is not None:
            try:
                await self.survey.scores.save(changed)
                return changed, True
            except errors.StaleWrite:
                pass
        return await _score(self.survey, self.campaign, self.instrument, self.assessor, given)


def _check_scores(
    cmd: commands.ScoreAnswers, campaign: domain.Campaign, instrument: domain.Instrument
) -> None:
    if campaign.audience is not domain.Audience.ASSESSOR:
        raise errors.BadUserInput("only assessor campaigns take scores", "campaignId")
    campaign.require_open()
    if not 1 <= len(cmd.scores) <= MAX_SCORES:
        raise errors.BadUserInput(f"give 1 to {MAX_SCORES} scores a request", "scores")
    problems, seen = errors.ProblemCollector(), set()
    for index, given in enumerate(cmd.scores):
        found = errors.ProblemCollector(f"scores[{index}]")
        check_score(instrument, given.question_code, given.score, given.note, found)
        found.check(
            given.question_code not in seen, "questionCode", f"{given.question_code} repeats"
        )
        seen.add(given.question_code)
        problems.problems += found.problems
    problems.raise_if_any()


async def _score(
    survey: Survey,
    campaign: domain.Campaign,
    instrument: domain.Instrument,
    assessor: str,
    given: commands.QuestionScore,
) -> tuple[domain.AssessorScore, bool]:
    """The assessor's score of one question, given or changed; whether it changed."""

    async def attempt() -> tuple[domain.AssessorScore, bool]:
        key = score_id(campaign.id, assessor, given.question_code)
        score = await survey.scores.get(key)
        if score is None:
            score = domain.AssessorScore.give(
                campaign=campaign, instrument=instrument, assessor=assessor,
                question_code=given.question_code, score=given.score, note=given.note,
                at=utc_now(),
            )  # fmt: skip
            await _add_or_retry(survey.scores.add(score))
            return score, True
        changed = score.rescore(campaign, instrument, given.score, given.note, utc_now())
        if changed:
            await survey.scores.save(score)
        return score, changed

    return await errors.retry_when_stale(attempt)


async def add_finding(
    cmd: commands.AddFinding, principal: Principal, survey: Survey
) -> domain.Findings:
    principal.require_role(Role.ASSESSOR)
    await open_cycle(survey, cmd.cycle_id, "cycleId")
    await _require_assigned(survey, principal, cmd.region_code, cmd.cycle_id)
    finding = domain.Finding(id=ids.new_id(), kind=cmd.kind, text=cmd.text, added_at=utc_now())

    async def attempt() -> domain.Findings:
        key = findings_id(cmd.region_code, cmd.cycle_id, principal.subject)
        findings = await survey.findings.get(key)
        if findings is None:
            findings = domain.Findings(
                id=key,
                region_code=cmd.region_code,
                cycle_id=cmd.cycle_id,
                assessor=principal.subject,
            )
            findings.add(finding)
            await _add_or_retry(survey.findings.add(findings))
        else:
            findings.add(finding)
            await survey.findings.save(findings)
        return findings

    return await errors.retry_when_stale(attempt)
