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
    accepted = await _accepted(cmd, principal, survey, verify)
    if accepted.response is None:
        submitted = await _replayed(accepted, survey)
    else:
        try:
            await survey.responses.add(accepted.response)
            submitted = Submitted(accepted.response, replayed=False, campaign=accepted.campaign)
        except errors.Conflict:
            submitted = await _replayed(accepted, survey)
    await _publish_citizens(survey, [submitted])
    return submitted


@dataclass(frozen=True)
class _Accepted:
    """A response checked whole and ready to store, with what a replay is checked against;
    or, for a retry the campaign or cycle no longer takes, the response it stored."""

    cmd: commands.SubmitResponse
    response: domain.Response | None
    respondent: str
    campaign: domain.Campaign
    stored: domain.Response | None = None

    @property
    def key(self) -> str:
        found = self.stored or self.response
        assert found is not None
        return found.id


async def _accepted(
    cmd: commands.SubmitResponse,
    principal: Principal,
    survey: Survey,
    verify: VerifyToken | None = None,
    campaigns: Mapping[str, domain.Campaign] | None = None,
    open_cycles: set[str] | None = None,
) -> _Accepted:
    """The response checked whole, not stored. `campaigns` are the campaigns as a batch
    found them, read once for all its items, and `open_cycles` the cycles it found open."""
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
    except errors.Conflict:
        # a retry of a stored submission gets its result, even once the campaign has closed
        stored = await survey.responses.get(key)
        if stored is None:
            raise
        return _Accepted(cmd, None, respondent, campaign, stored)
    return _Accepted(cmd, response, respondent, campaign)


async def _replayed(accepted: _Accepted, survey: Survey) -> Submitted:
    """The stored result of a response whose key was taken, if it is the same submission."""
    stored = accepted.stored or await survey.responses.get(accepted.key)
    if stored is None:  # taken, then gone: nothing deletes responses
        raise errors.Conflict("this response could not be stored; send it again", "campaignId")
    return _replay(stored, accepted.respondent, accepted.cmd, accepted.campaign)


async def submit_responses(
    batch: list[commands.SubmitResponse],
    principal: Principal,
    survey: Survey,
    verify: VerifyToken | None = None,
) -> list[BatchItem]:
    """Each item stands alone: a bad one is reported at its index and the others go on. The
    items accepted are stored together, in one write.

    A field app syncing responses it collected offline sends each citizen's token with
    their item.
    """
    if len(batch) > MAX_BATCH:
        raise errors.BadUserInput(f"at most {MAX_BATCH} responses in one batch", "inputs")
    wanted = list(dict.fromkeys(cmd.campaign_id for cmd in batch))
    campaigns = {c.id: c for c in await survey.campaigns.get_many(wanted)}
    open_cycles: set[str] = set()
    checked: list[tuple[int, _Accepted | errors.UserError]] = []
    for index, cmd in enumerate(batch):
        try:
            checked.append(
                (index, await _accepted(cmd, principal, survey, verify, campaigns, open_cycles))
            )
        except errors.UserError as error:
            checked.append((index, error))
    new = [(i, a) for i, a in checked if isinstance(a, _Accepted) and a.response is not None]
    stored = await survey.responses.add_many([a.response for _, a in new if a.response])
    added = {index for (index, _), was_added in zip(new, stored, strict=True) if was_added}
    items = []
    for index, item in checked:
        if isinstance(item, errors.UserError):
            items.append(BatchItem(index, error=item))
        elif index in added and item.response is not None:
            items.append(BatchItem(index, Submitted(item.response, False, item.campaign)))
        else:
            try:
                items.append(BatchItem(index, await _replayed(item, survey)))
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
