"""Submitting responses: validated whole, stored once per idempotency key and respondent.

Citizens' responses are published in batches, one event per campaign a request accepted
responses for; a self-assessment is published on its own as it is stored."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from services.kernel import errors
from services.kernel.auth import Principal, Role
from services.kernel.clock import utc_now
from services.kernel.repository import require
from services.survey import commands, domain
from services.survey.domain.responses import fingerprint, response_id
from services.survey.handlers.common import instrument_of, open_cycle
from services.survey.repository import Survey

MAX_BATCH = 500

VerifyToken = Callable[[str], Principal]


@dataclass(frozen=True)
class Submitted:
    response: domain.Response
    replayed: bool
    campaign: domain.Campaign


@dataclass(frozen=True)
class BatchItem:
    index: int
    submitted: Submitted | None = None
    error: errors.UserError | None = None


def _respondent(principal: Principal, campaign: domain.Campaign) -> tuple[str, str | None]:
    """Who answers, and for a citizen the sub-dimension their token is for."""
    if campaign.audience is domain.Audience.CITIZEN:
        principal.require_role(Role.RESPONDENT)
        if principal.campaign != campaign.id:
            raise errors.Forbidden("this respondent token is for another campaign", "campaignId")
        return principal.subject, principal.sub_dimension
    if campaign.audience is domain.Audience.SELF_ASSESSMENT:
        principal.require_region_writer(campaign.region_code, "campaignId")
        return principal.subject, None
    raise errors.BadUserInput("assessors score with scoreAnswer", "campaignId")


def _replay(
    stored: domain.Response,
    respondent: str,
    cmd: commands.SubmitResponse,
    campaign: domain.Campaign,
) -> Submitted:
    """The stored result again, if this is the same submission retried."""
    if stored.idempotency_key != cmd.idempotency_key:
        raise errors.Conflict("this respondent has already answered", "campaignId")
    retried = fingerprint(cmd.campaign_id, respondent, stored.sub_dimension, cmd.answers)
    if retried != stored.fingerprint:
        raise errors.Conflict(
            "this idempotency key was used for a different submission", "idempotencyKey"
        )
    return Submitted(stored, replayed=True, campaign=campaign)


async def submit_response(
    cmd: commands.SubmitResponse,
    principal: Principal,
    survey: Survey,
    verify: VerifyToken | None = None,
) -> Submitted:
    """Stores a response once; a respondent token in the command speaks for its citizen."""
    submitted = await _submit(cmd, principal, survey, verify)
    await _publish_citizens(survey, [submitted])
    return submitted


async def _submit(
    cmd: commands.SubmitResponse,
    principal: Principal,
    survey: Survey,
    verify: VerifyToken | None = None,
    campaigns: Mapping[str, domain.Campaign] | None = None,
    open_cycles: set[str] | None = None,
) -> Submitted:
    """Stores a response once. `campaigns` are the campaigns as a batch found them, read
    once for all its items, and `open_cycles` the cycles it found open."""
    if cmd.respondent_token is not None:
        if verify is None:
            raise errors.BadUserInput("respondent tokens are not accepted here", "respondentToken")
        try:
            principal = verify(cmd.respondent_token)
        except errors.Unauthenticated as refused:
            raise errors.Unauthenticated(refused.message, "respondentToken") from None
    campaign = (campaigns or {}).get(cmd.campaign_id) or await require(
        survey.campaigns, cmd.campaign_id, "campaign", "campaignId"
    )
    respondent, sub_dimension = _respondent(principal, campaign)
    instrument = await instrument_of(survey, campaign)
    key = response_id(campaign, respondent, cmd.idempotency_key)
    try:
        if campaign.cycle_id not in (open_cycles or ()):
            await open_cycle(survey, campaign.cycle_id, "campaignId")
            if open_cycles is not None:
                open_cycles.add(campaign.cycle_id)
        response = domain.Response.accept(
            id=key,
            campaign=campaign,
            instrument=instrument,
            respondent=respondent,
            idempotency_key=cmd.idempotency_key,
            sub_dimension=sub_dimension,
            answers=cmd.answers,
            at=utc_now(),
        )
        await survey.responses.add(response)
    except errors.Conflict:
        # a retry of a stored submission gets its result, even once the campaign has closed
        stored = await survey.responses.get(key)
        if stored is None:
            raise
        return _replay(stored, respondent, cmd, campaign)
    return Submitted(response, replayed=False, campaign=campaign)


async def submit_responses(
    batch: list[commands.SubmitResponse],
    principal: Principal,
    survey: Survey,
    verify: VerifyToken | None = None,
) -> list[BatchItem]:
    """Each item stands alone: a bad one is reported at its index and the others go on.

    A field app syncing responses it collected offline sends each citizen's token with
    their item.
    """
    if len(batch) > MAX_BATCH:
        raise errors.BadUserInput(f"at most {MAX_BATCH} responses in one batch", "inputs")
    wanted = list(dict.fromkeys(cmd.campaign_id for cmd in batch))
    campaigns = {c.id: c for c in await survey.campaigns.get_many(wanted)}
    open_cycles: set[str] = set()
    items = []
    for index, cmd in enumerate(batch):
        try:
            submitted = await _submit(cmd, principal, survey, verify, campaigns, open_cycles)
            items.append(BatchItem(index, submitted))
        except errors.UserError as error:
            items.append(BatchItem(index, error=error))
    await _publish_citizens(survey, [item.submitted for item in items if item.submitted])
    return items


async def _publish_citizens(survey: Survey, submitted: list[Submitted]) -> None:
    """One batch per campaign of the citizens' responses accepted, replays included: a
    replay answers a request whose reply was lost, which may have been cut short before its
    batch was stored."""
    by_campaign: dict[str, list[Submitted]] = {}
    for item in submitted:
        if item.campaign.audience is domain.Audience.CITIZEN:
            by_campaign.setdefault(item.campaign.id, []).append(item)
    for group in by_campaign.values():
        responses = [item.response for item in group]
        batch = domain.AcceptedBatch.of_responses(group[0].campaign, responses, utc_now())
        await survey.batches.add(batch)
