"""Opening and closing campaigns, and issuing citizens their one-time respondent tokens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from services.contracts.events.catalog import CycleClosed
from services.contracts.reference import DIMENSION_OF_SUB
from services.kernel import errors, ids
from services.kernel.auth import Principal, Role
from services.kernel.event_reader import EventReader, Received
from services.kernel.events import Event
from services.kernel.repository import Page, added, change, every, require
from services.survey import commands, domain
from services.survey.domain.instruments import QuestionType
from services.survey.domain.responses import IDEMPOTENCY_KEY
from services.survey.handlers.common import instrument_of, open_cycle
from services.survey.repository import CampaignFilter, Survey

MAX_TOKENS_PER_CALL = 1000
RESPONDENT_TOKEN_LIFETIME = dt.timedelta(days=120)

# mints a respondent token: (campaign id, sub-dimension or None, token id) -> bearer token
MintRespondentToken = Callable[[str, str | None, str], str]

AUDIENCE_QUESTION_TYPES = {
    domain.Audience.ASSESSOR: {QuestionType.ASSESSOR_SCORE},
    domain.Audience.CITIZEN: {
        QuestionType.LIKERT, QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE,
        QuestionType.NUMBER, QuestionType.TEXT, QuestionType.YES_NO,
    },
    domain.Audience.SELF_ASSESSMENT: set(QuestionType),
}  # fmt: skip


def _require_campaign_writer(principal: Principal, audience: domain.Audience, region: str) -> None:
    """Admins run any campaign; a region operator runs its own self-assessment and citizen ones."""
    if audience is domain.Audience.ASSESSOR:
        principal.require_role(Role.ADMIN)
    else:
        principal.require_region_writer(region)


async def _require_room(survey: Survey, region_code: str, cycle_id: str) -> None:
    """A region's campaigns in a cycle are few; checked before the write, so two opened at
    once may both pass: reads show the first `MAX_CAMPAIGNS_A_CYCLE` all the same."""
    where = CampaignFilter(region_codes=(region_code,), cycle_id=cycle_id)
    held = await survey.campaigns.list(where, Page(domain.MAX_CAMPAIGNS_A_CYCLE))
    if len(held) >= domain.MAX_CAMPAIGNS_A_CYCLE:
        raise errors.Conflict(
            f"region {region_code} has {domain.MAX_CAMPAIGNS_A_CYCLE} campaigns in cycle "
            f"{cycle_id}, the most a cycle holds",
            "cycleId",
        )


async def open_campaign(
    cmd: commands.OpenCampaign, principal: Principal, survey: Survey
) -> domain.Campaign:
    _require_campaign_writer(principal, cmd.audience, cmd.region_code)
    if cmd.quota_per_sub_dimension > domain.DEFAULT_QUOTA and principal.role is not Role.ADMIN:
        raise errors.Forbidden(
            f"only an admin sets a quota above the instrument's target of "
            f"{domain.DEFAULT_QUOTA} respondents",
            "quotaPerSubDimension",
        )
    instrument = await survey.instruments.get(f"{cmd.instrument_key}@{cmd.instrument_version}")
    if instrument is None:
        message = f"instrument {cmd.instrument_key} version {cmd.instrument_version} does not exist"
        raise errors.NotFound(message, "instrumentVersion")
    types = {q.type for q in instrument.questions().values()}
    if not types <= AUDIENCE_QUESTION_TYPES[cmd.audience]:
        raise errors.BadUserInput(
            f"{instrument.id} has questions a {cmd.audience} audience cannot answer", "audience"
        )
    if await survey.facts.region(cmd.region_code) is None:
        raise errors.NotFound(f"region {cmd.region_code} is not known (yet)", "regionCode")
    cycle = await open_cycle(survey, cmd.cycle_id, "cycleId")
    if cmd.region_code not in cycle.region_codes:
        raise errors.BadUserInput(f"region {cmd.region_code} is not in this cycle", "regionCode")
    await _require_room(survey, cmd.region_code, cmd.cycle_id)
    per_sub_dimension = any(q.sub_dimension for q in instrument.questions().values())
    campaign = domain.Campaign.open(
        id=ids.new_id(), **vars(cmd), opened_by=principal.subject,
        per_sub_dimension=per_sub_dimension,
    )  # fmt: skip
    return await added(survey.campaigns, campaign)


async def close_campaign(
    cmd: commands.CloseCampaign, principal: Principal, survey: Survey
) -> domain.Campaign:
    def close(campaign: domain.Campaign) -> None:
        _require_campaign_writer(principal, campaign.audience, campaign.region_code)
        campaign.close()

    return await change(survey.campaigns, cmd.id, "campaign", "id", close)


def _require_token_issuer(principal: Principal, region_code: str) -> None:
    """Admins, and enumerators in their own region: never the region whose score it moves."""
    principal.require_role(Role.ADMIN, Role.ENUMERATOR)
    if principal.role is Role.ENUMERATOR and principal.region != region_code:
        raise errors.Forbidden(
            f"an enumerator of {principal.region} may not issue tokens in {region_code}",
            "campaignId",
        )


async def issue_respondent_tokens(
    cmd: commands.IssueRespondentTokens,
    principal: Principal,
    survey: Survey,
    mint: MintRespondentToken,
) -> list[str]:
    """Counted against the campaign's quota in the campaign's own write, before any is made."""

    async def attempt() -> tuple[domain.Campaign, list[str]]:
        campaign = await require(survey.campaigns, cmd.campaign_id, "campaign", "campaignId")
        _require_token_issuer(principal, campaign.region_code)
        await open_cycle(survey, campaign.cycle_id, "campaignId")
        await _check_token_request(cmd, campaign, survey)
        respondents = campaign.issue_tokens(
            cmd.sub_dimension, cmd.count, principal.subject, cmd.idempotency_key
        )
        if campaign.events:  # a request sent again changes nothing
            await survey.campaigns.save(campaign)
        return campaign, respondents

    campaign, respondents = await errors.retry_when_stale(attempt)
    return [mint(campaign.id, cmd.sub_dimension, respondent) for respondent in respondents]


async def _check_token_request(
    cmd: commands.IssueRespondentTokens, campaign: domain.Campaign, survey: Survey
) -> None:
    if campaign.audience is not domain.Audience.CITIZEN:
        raise errors.BadUserInput("respondent tokens are for citizen campaigns", "campaignId")
    campaign.require_open()
    instrument = await instrument_of(survey, campaign)
    by_sub_dimension = any(q.sub_dimension for q in instrument.questions().values())
    problems = errors.ProblemCollector()
    problems.check(
        1 <= cmd.count <= MAX_TOKENS_PER_CALL, "count", f"issue 1-{MAX_TOKENS_PER_CALL} at a time"
    )
    problems.check(
        cmd.idempotency_key is None or bool(IDEMPOTENCY_KEY.match(cmd.idempotency_key)),
        "idempotencyKey",
        "an idempotency key is 8-100 letters, digits or _ . : -",
    )
    if by_sub_dimension:
        problems.check(
            cmd.sub_dimension in DIMENSION_OF_SUB,
            "subDimension",
            "name the sub-dimension to answer",
        )
    else:
        problems.check(cmd.sub_dimension is None, "subDimension", "this campaign has none")
    problems.raise_if_any()


class CampaignsCloseWithTheirCycle:
    """When an evaluation cycle closes, its open campaigns close: nothing more is asked in
    it. Closing is idempotent, so a redelivered event changes nothing."""

    reader = EventReader(CycleClosed)

    def __init__(self, survey: Survey) -> None:
        self.survey = survey

    async def apply(self, received: Received[Event]) -> None:
        if isinstance(received.event, CycleClosed):
            await close_campaigns_of(self.survey, received.event.id)


async def close_campaigns_of(survey: Survey, cycle_id: str) -> None:
    where = CampaignFilter(cycle_id=cycle_id, status=domain.CampaignStatus.OPEN)
    for campaign in await every(lambda page: survey.campaigns.list(where, page), lambda c: c.id):

        def close(found: domain.Campaign) -> None:
            if found.status is domain.CampaignStatus.OPEN:
                found.close()

        await change(survey.campaigns, campaign.id, "campaign", "id", close)
