"""How far a cycle's evaluation work has come: an assessor's assignments and how much of each
is scored, a campaign's quotas, and the season's row per region."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.kernel import errors
from services.kernel.auth import Principal, Role
from services.kernel.repository import Page, every
from services.survey import domain
from services.survey.domain.assessments import assignment_id, findings_id
from services.survey.domain.instruments import MAX_QUESTIONS
from services.survey.handlers.common import instrument_of
from services.survey.repository import AssignmentFilter, CampaignFilter, ScoreFilter, Survey


@dataclass(frozen=True)
class AssessorProgress:
    assessor: str
    scored: int
    questions: int
    findings: int

    @property
    def done(self) -> bool:
        return self.questions > 0 and self.scored >= self.questions


@dataclass(frozen=True)
class Quota:
    sub_dimension: str | None
    quota: int
    issued: int
    answered: int


@dataclass(frozen=True)
class RegionProgress:
    region_code: str
    campaigns: list[domain.Campaign]
    self_assessments: int  # responses to the region's self-assessment
    assessors: list[AssessorProgress]
    citizen_responses: int
    citizen_target: int


async def assignments(
    survey: Survey, principal: Principal, cycle_id: str | None, page: Page
) -> list[domain.Assignment]:
    """An assessor's own assignments; every assignment for admins and ministries."""
    if principal.role is Role.ASSESSOR:
        where = AssignmentFilter(cycle_id=cycle_id, assessor=principal.subject)
    else:
        principal.require_role(Role.ADMIN, Role.MINISTRY, Role.ASSESSOR)
        where = AssignmentFilter(cycle_id=cycle_id)
    return await survey.assignments.list(where, page)


async def assessor_campaign(
    survey: Survey, region_code: str, cycle_id: str
) -> domain.Campaign | None:
    where = CampaignFilter((region_code,), cycle_id, domain.Audience.ASSESSOR)
    found = await survey.campaigns.list(where, Page(1))
    return found[0] if found else None


async def progress_of(
    survey: Survey,
    region_code: str,
    cycle_id: str,
    assessors: tuple[str, ...],
    campaign: domain.Campaign | None,
) -> list[AssessorProgress]:
    """Each assigned assessor's scores of the region's assessor campaign, and findings."""
    questions = len((await instrument_of(survey, campaign)).questions()) if campaign else 0
    counts = await survey.scores.counts([campaign.id]) if campaign else {}
    keys = [findings_id(region_code, cycle_id, a) for a in assessors]
    written = {f.assessor: len(f.items) for f in await survey.findings.get_many(keys)}
    return [
        AssessorProgress(
            assessor=assessor,
            scored=counts.get((campaign.id, assessor), 0) if campaign else 0,
            questions=questions,
            findings=written.get(assessor, 0),
        )
        for assessor in assessors
    ]


async def own_scores(
    survey: Survey, principal: Principal, campaign_id: str, assessor: str | None
) -> list[domain.AssessorScore]:
    """An assessor's current scores in a campaign: their own, or anyone's for admins and
    ministries."""
    if principal.role is Role.ASSESSOR:
        if assessor not in (None, principal.subject):
            raise errors.Forbidden("an assessor reads their own scores", "assessor")
        assessor = principal.subject
    else:
        principal.require_role(Role.ADMIN, Role.MINISTRY)
        if assessor is None:
            raise errors.BadUserInput("name the assessor whose scores to read", "assessor")
    where = ScoreFilter(campaign_id=campaign_id, assessor=assessor)
    found = every(lambda page: survey.scores.list(where, page), lambda s: s.id, most=MAX_QUESTIONS)
    return await found


def require_quota_reader(principal: Principal, campaign: domain.Campaign) -> None:
    """Admins and ministries; the region's own operator and enumerators."""
    if principal.role in (Role.ADMIN, Role.MINISTRY):
        return
    principal.require_role(Role.ADMIN, Role.MINISTRY, Role.REGION_OPERATOR, Role.ENUMERATOR)
    if principal.region != campaign.region_code:
        raise errors.Forbidden(f"the quotas of campaign {campaign.id} are not yours to read")


async def quotas_of(survey: Survey, campaign: domain.Campaign) -> list[Quota]:
    """Tokens issued and responses received against the quota, per sub-dimension (one row
    for a campaign not counted by sub-dimension)."""
    instrument = await instrument_of(survey, campaign)
    subs = sorted({q.sub_dimension for q in instrument.questions().values() if q.sub_dimension})
    if campaign.audience is not domain.Audience.CITIZEN or not subs:
        answered = (await survey.responses.counts([campaign.id])).get(campaign.id, 0)
        issued = campaign.issued.get("", 0)
        return [Quota(None, campaign.quota_per_sub_dimension, issued, answered)]
    answered_by = await survey.responses.respondents_by_sub_dimension(campaign.id)
    return [
        Quota(sub, campaign.quota_per_sub_dimension, campaign.issued.get(sub, 0),
              answered_by.get(sub, 0))
        for sub in subs
    ]  # fmt: skip


async def season(
    survey: Survey, principal: Principal, cycle_id: str, page: Page
) -> list[RegionProgress]:
    """One row per region of the cycle, in code order, a page at a time (admins, ministries)."""
    principal.require_role(Role.ADMIN, Role.MINISTRY)
    cycle = await survey.facts.cycle(cycle_id)
    if cycle is None:
        raise errors.NotFound(f"cycle {cycle_id} is not known (yet)", "cycleId")
    codes = [c for c in sorted(cycle.region_codes) if page.after is None or c > page.after]
    codes = codes[: page.first]
    where = CampaignFilter(region_codes=tuple(codes), cycle_id=cycle_id)
    campaigns = await every(lambda p: survey.campaigns.list(where, p), lambda c: c.id)
    ids = [c.id for c in campaigns]
    responses, scores = await survey.responses.counts(ids), await survey.scores.counts(ids)
    wanted = [assignment_id(code, cycle_id) for code in codes]
    held = {a.region_code: a for a in await survey.assignments.get_many(wanted)}
    authors = [
        findings_id(a.region_code, cycle_id, who) for a in held.values() for who in a.assessors
    ]
    written = {
        (f.region_code, f.assessor): len(f.items) for f in await survey.findings.get_many(authors)
    }
    counted = Counted(responses, scores, written)
    return [await _region_row(survey, code, campaigns, held.get(code), counted) for code in codes]


@dataclass(frozen=True)
class Counted:
    """What a page of the season counted in one read each."""

    responses: dict[str, int]  # by campaign
    scores: dict[tuple[str, str], int]  # by campaign and assessor
    findings: dict[tuple[str, str], int]  # by region and assessor


async def _region_row(
    survey: Survey,
    code: str,
    campaigns: Sequence[domain.Campaign],
    assignment: domain.Assignment | None,
    counted: Counted,
) -> RegionProgress:
    own = [c for c in campaigns if c.region_code == code]
    by_audience = {c.audience: c for c in reversed(own)}  # the first of each audience
    assessed = by_audience.get(domain.Audience.ASSESSOR)
    citizens = [c for c in own if c.audience is domain.Audience.CITIZEN]
    target = 0
    for campaign in citizens:
        instrument = await instrument_of(survey, campaign)
        subs = {q.sub_dimension for q in instrument.questions().values()} - {None}
        target += campaign.quota_per_sub_dimension * max(1, len(subs))
    questions = len((await instrument_of(survey, assessed)).questions()) if assessed else 0
    progress = [
        AssessorProgress(
            assessor=a,
            scored=counted.scores.get((assessed.id, a), 0) if assessed else 0,
            questions=questions,
            findings=counted.findings.get((code, a), 0),
        )
        for a in (assignment.assessors if assignment else ())
    ]
    self_assessed = by_audience.get(domain.Audience.SELF_ASSESSMENT)
    return RegionProgress(
        region_code=code,
        campaigns=own,
        self_assessments=counted.responses.get(self_assessed.id, 0) if self_assessed else 0,
        assessors=progress,
        citizen_responses=sum(counted.responses.get(c.id, 0) for c in citizens),
        citizen_target=target,
    )
