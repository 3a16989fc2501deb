"""Campaigns: an instrument version put to one audience of one region in one cycle."""

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Self

from services.contracts.events.survey import (
    Audience,
    CampaignClosed,
    CampaignOpened,
    RespondentTokensIssued,
)
from services.kernel.aggregate import Aggregate
from services.kernel.errors import Conflict, ProblemCollector
from services.kernel.ids import new_id

DEFAULT_QUOTA = 50
# of one region in one cycle: assessors, self-assessment, citizens' impact, and the IKM of
# each public service surveyed
MAX_CAMPAIGNS_A_CYCLE = 50
MAX_QUOTA = 100_000
# token requests a campaign remembers by idempotency key, the latest: a request sent again
# after a dropped connection comes within minutes, not thousands of requests later
REMEMBERED_TOKEN_REQUESTS = 1_000


class CampaignStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(kw_only=True)
class CampaignFields:
    """What a campaign shows: declared once for its document and GraphQL type."""

    id: str
    instrument_key: str
    instrument_version: int
    region_code: str
    cycle_id: str
    audience: Audience
    quota_per_sub_dimension: int = DEFAULT_QUOTA
    service: str = ""
    status: CampaignStatus = CampaignStatus.OPEN


@dataclass(kw_only=True)
class Campaign(Aggregate, CampaignFields):
    opened_by: str = ""
    # respondent tokens issued so far, per sub-dimension ("" for a campaign without them)
    issued: dict[str, int] = field(default_factory=dict)
    # the latest token requests sent with an idempotency key: the digest of the issuer and
    # key (a stored key may hold no dot) to what it asked, so the same request sent again
    # issues nothing
    token_requests: dict[str, str] = field(default_factory=dict)
    # what a region has one campaign of in a cycle (see `slot_of`); None for a campaign
    # stored before slots, which is stored without one and so never conflicts
    slot: str | None = None

    @classmethod
    def open(cls, *, per_sub_dimension: bool, **values: Any) -> Self:
        """`per_sub_dimension`: its instrument's answers count per impact sub-dimension."""
        campaign = cls(**values)
        campaign.slot = campaign.slot_of(per_sub_dimension)
        problems = ProblemCollector()
        problems.check(
            1 <= campaign.quota_per_sub_dimension <= MAX_QUOTA,
            "quotaPerSubDimension",
            f"a quota is 1-{MAX_QUOTA} respondents",
        )
        problems.check(len(campaign.service) <= 200, "service", "service is too long")
        problems.raise_if_any()
        campaign.events.append(CampaignOpened.of(campaign))
        return campaign

    def slot_of(self, per_sub_dimension: bool) -> str:
        """A region has one campaign a cycle for each audience, instrument and public service;
        and one citizen campaign counted per impact sub-dimension, whatever its instrument or
        service: scoring adds citizens up per region, cycle and sub-dimension, so a second
        such campaign would issue a second quota."""
        if self.audience is Audience.CITIZEN and per_sub_dimension:
            return "|".join((self.region_code, self.cycle_id, self.audience, "impact"))
        parts = (self.region_code, self.cycle_id, self.audience, self.instrument_key, self.service)
        return "|".join(parts)

    def placement(self) -> dict[str, Any]:
        """What every answer given in this campaign carries of it: where and against which
        instrument version it was given."""
        return {
            "campaign_id": self.id, "region_code": self.region_code, "cycle_id": self.cycle_id,
            "instrument_key": self.instrument_key, "instrument_version": self.instrument_version,
        }  # fmt: skip

    def require_open(self) -> None:
        if self.status is not CampaignStatus.OPEN:
            raise Conflict(f"campaign {self.id} is closed", "campaignId")

    def issue_tokens(
        self, sub_dimension: str | None, count: int, by: str, idempotency_key: str | None = None
    ) -> list[str]:
        """The respondents the tokens are for. The quota is a cap: no more tokens than
        respondents wanted, whoever asks. A request sent again with its idempotency key is
        given the same respondents and counts once."""
        self.require_open()
        request = f"{sub_dimension or ''}x{count}"
        # a key is the issuer's own: another issuer sending it makes a request of their own
        keyed = f"{by}|{idempotency_key}" if idempotency_key else None
        remembered = _digest(keyed) if keyed else None
        if remembered in self.token_requests:
            if self.token_requests[remembered] != request:
                raise Conflict(
                    "this idempotency key was used for a different request", "idempotencyKey"
                )
            return self._respondents(keyed, count)
        key = sub_dimension or ""
        already = self.issued.get(key, 0)
        left = self.quota_per_sub_dimension - already
        if count > left:
            group = f" of {sub_dimension}" if sub_dimension else ""
            raise Conflict(
                f"the quota{group} is {self.quota_per_sub_dimension} respondents and "
                f"{already} tokens are issued: at most {left} more",
                "count",
            )
        self.issued[key] = already + count
        if remembered:
            self._remember(remembered, request)
        self.events.append(
            RespondentTokensIssued.of(
                self, campaign_id=self.id, sub_dimension=sub_dimension, count=count,
                issued=already + count, quota=self.quota_per_sub_dimension, issued_by=by,
            )
        )  # fmt: skip
        return self._respondents(keyed, count)

    def _remember(self, remembered: str, request: str) -> None:
        self.token_requests[remembered] = request
        while len(self.token_requests) > REMEMBERED_TOKEN_REQUESTS:
            del self.token_requests[next(iter(self.token_requests))]

    def _respondents(self, keyed: str | None, count: int) -> list[str]:
        """Fresh respondents; or, for a keyed request, the same ones each time it is sent."""
        if keyed is None:
            return [f"respondent-{new_id()}" for _ in range(count)]
        return [f"respondent-{_digest(f'{self.id}|{keyed}|{n}')}" for n in range(count)]

    def close(self) -> None:
        if self.status is CampaignStatus.CLOSED:
            raise Conflict(f"campaign {self.id} is already closed", "id")
        self.status = CampaignStatus.CLOSED
        self.events.append(CampaignClosed.of(self))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]
