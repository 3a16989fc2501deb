"""Assessor assignments, scores and findings."""

from __future__ import annotations

from collections.abc import Awaitable

from services.kernel import errors, ids
from services.kernel.auth import Principal, Role
from services.kernel.clock import utc_now
from services.kernel.repository import require
from services.survey import commands, domain
from services.survey.domain.assessments import assignment_id, findings_id, score_id
from services.survey.handlers.common import instrument_of
from services.survey.repository import Survey


async def assign_assessors(
    cmd: commands.AssignAssessors, principal: Principal, survey: Survey
) -> domain.Assignment:
    principal.require_role(Role.ADMIN)
    cycle = await survey.facts.cycle(cmd.cycle_id)
    if cycle is None:
        raise errors.NotFound(f"evaluation cycle {cmd.cycle_id} is not known (yet)", "cycleId")
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
    instrument = await instrument_of(survey, campaign)

    async def attempt() -> domain.AssessorScore:
        key = score_id(campaign.id, principal.subject, cmd.question_code)
        score = await survey.scores.get(key)
        if score is None:
            score = domain.AssessorScore.give(
                campaign=campaign,
                instrument=instrument,
                assessor=principal.subject,
                question_code=cmd.question_code,
                score=cmd.score,
                note=cmd.note,
                at=utc_now(),
            )
            await _add_or_retry(survey.scores.add(score))
        else:
            score.rescore(campaign, instrument, cmd.score, cmd.note, utc_now())
            await survey.scores.save(score)
        return score

    return await errors.retry_when_stale(attempt)


async def add_finding(
    cmd: commands.AddFinding, principal: Principal, survey: Survey
) -> domain.Findings:
    principal.require_role(Role.ASSESSOR)
    if await survey.facts.cycle(cmd.cycle_id) is None:
        raise errors.NotFound(f"evaluation cycle {cmd.cycle_id} is not known", "cycleId")
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
