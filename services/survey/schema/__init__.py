"""The survey subgraph: instruments, campaigns, responses, assessments and their indices."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Self, TypeVar

import strawberry

from services.kernel import errors
from services.kernel.auth import Principal, Role
from services.kernel.errors import UserError, located
from services.kernel.graphql import (
    DEFAULT_PAGE,
    ROUND_TRIP,
    SMALL_PAGE,
    ReplayedEvents,
    SubgraphSchema,
    UndeliveredEvent,
    assumed,
    paged,
    replay_undelivered_events_field,
    undelivered_events_field,
)
from services.kernel.mutations import use_case_mutation
from services.kernel.repository import Page
from services.survey import access, commands, handlers
from services.survey.domain.ikm import ikm, krejcie_morgan
from services.survey.repository import AssessorFilter, CampaignFilter, FindingsFilter, Survey
from services.survey.schema import inputs
from services.survey.schema.entities import Region
from services.survey.schema.enums import Audience, CampaignStatus
from services.survey.schema.live import Subscription
from services.survey.schema.types import (
    MOST_QUESTIONS,
    Assessor,
    AssessorScore,
    Assignment,
    Campaign,
    Findings,
    IkmResult,
    Instrument,
    RegionProgress,
    Response,
    ScoredAnswers,
    SurveyInfo,
)

T = TypeVar("T")
UseCase = Callable[[Any, Principal, Survey], Awaitable[T]]


async def perform(info: SurveyInfo, use_case: UseCase[T], command: Any) -> T:
    """Runs a use case for the caller; errors name their field under `input`."""
    with located("input"):
        return await use_case(command, info.context.principal, info.context.survey)


@strawberry.type(name="InputProblem")
class Problem:
    """One invalid part of a submitted response."""

    field: str
    message: str


@strawberry.type
class SubmitError:
    code: str
    message: str
    field: str | None
    problems: list[Problem] = strawberry.field(directives=assumed(errors.MAX_PROBLEMS))

    @classmethod
    def from_error(cls, error: UserError, index: int) -> Self:
        """Its fields named by the item's place in the batch: `inputs[3].answers[D.1.1.1]`."""
        errors.relocate(error, f"inputs[{index}]")
        problems = [Problem(field=p.field, message=p.message) for p in error.problems]
        field = error.field or f"inputs[{index}]"
        return cls(code=error.code, message=error.message, field=field, problems=problems)


@strawberry.type
class SubmitResult:
    response: Response
    replayed: bool = strawberry.field(description="True when this key was already stored.")


@strawberry.type
class BatchItemResult:
    index: int
    result: SubmitResult | None
    error: SubmitError | None


@strawberry.type
class Query:
    survey_undelivered_events: list[UndeliveredEvent] = undelivered_events_field()

    @strawberry.field(description="An instrument version; the latest when no version is given.")
    async def instrument(
        self, info: SurveyInfo, key: str, version: int | None = None
    ) -> Instrument | None:
        found = await handlers.instruments.find_instrument(info.context.survey, key, version)
        return Instrument.from_domain(found) if found else None

    @strawberry.field(
        description="Published instruments in id order; `after` is the last id of the previous "
        "page.",
        directives=paged(),
    )
    async def instruments(
        self, info: SurveyInfo, key: str | None = None, first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> list[Instrument]:  # fmt: skip
        found = await info.context.survey.instruments.list(key, Page(first, after))
        return [Instrument.from_domain(i) for i in found]

    @strawberry.field
    async def campaign(self, info: SurveyInfo, id: strawberry.ID) -> Campaign | None:
        found = await info.context.loaders.campaigns.load(str(id))
        return Campaign.from_domain(found) if found else None

    @strawberry.field(directives=paged())
    async def campaigns(
        self,
        info: SurveyInfo,
        region_code: str | None = None,
        cycle_id: str | None = None,
        audience: Audience | None = None,
        status: CampaignStatus | None = None,
        first: int = 100,
        after: str | None = None,
    ) -> list[Campaign]:
        where = CampaignFilter(
            region_codes=(region_code,) if region_code else None,
            cycle_id=cycle_id,
            audience=audience,
            status=status,
        )
        found = await info.context.survey.campaigns.list(where, Page(first, after))
        return [Campaign.from_domain(c) for c in found]

    @strawberry.field(
        description="The registry of assessors (admins and ministries).", directives=paged()
    )
    async def assessors(
        self, info: SurveyInfo, institution: str | None = None, first: int = 100,
        after: str | None = None,
    ) -> list[Assessor]:  # fmt: skip
        info.context.principal.require_role(Role.ADMIN, Role.MINISTRY)
        found = await info.context.survey.assessors.list(
            AssessorFilter(institution), Page(first, after)
        )
        return [Assessor.from_domain(a) for a in found]

    @strawberry.field(description="One assessor: admins, ministries and the assessor themself.")
    async def assessor(self, info: SurveyInfo, id: strawberry.ID) -> Assessor | None:
        principal = info.context.principal
        if principal.role is not Role.ASSESSOR or principal.subject != str(id):
            principal.require_role(Role.ADMIN, Role.MINISTRY)
        found = await info.context.loaders.assessors.load(str(id))
        return Assessor.from_domain(found) if found else None

    @strawberry.field(
        description="Each assessor's strengths, weaknesses and recommendations; `after` is the "
        "last id of the previous page.",
        directives=paged(),
    )
    async def findings(
        self, info: SurveyInfo, region_code: str, cycle_id: str, first: int = SMALL_PAGE,
        after: str | None = None,
    ) -> list[Findings]:  # fmt: skip
        survey = info.context.survey
        principal = info.context.principal
        await access.require_findings_reader(survey, principal, region_code, cycle_id)
        where = FindingsFilter(region_code, cycle_id)
        found = await survey.findings.list(where, Page(first, after))
        return [Findings.from_domain(f) for f in found]

    @strawberry.field(
        description="Assessors' assignments in region code order: an assessor's own, every "
        "one for admins and ministries; `after` is the last `regionCode:cycleId` of the "
        "previous page.",
        directives=paged(),
    )
    async def assignments(
        self, info: SurveyInfo, cycle_id: str | None = None, first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> list[Assignment]:  # fmt: skip
        found = await handlers.progress.assignments(
            info.context.survey, info.context.principal, cycle_id, Page(first, after)
        )
        return [Assignment.from_domain(a) for a in found]

    @strawberry.field(
        description="An assessor's current scores in a campaign: an assessor's own, anyone's "
        "for admins and ministries.",
        directives=assumed(MOST_QUESTIONS),
    )
    async def assessor_scores(
        self, info: SurveyInfo, campaign_id: strawberry.ID, assessor: str | None = None
    ) -> list[AssessorScore]:
        found = await handlers.progress.own_scores(
            info.context.survey, info.context.principal, str(campaign_id), assessor
        )
        return [AssessorScore.from_domain(s) for s in found]

    @strawberry.field(
        description="Each region of a cycle, in code order, with who has done their part "
        "(admins and ministries); `after` is the last region code of the previous page.",
        directives=paged(weight=ROUND_TRIP),
    )
    async def season_progress(
        self, info: SurveyInfo, cycle_id: str, first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> list[RegionProgress]:  # fmt: skip
        found = await handlers.progress.season(
            info.context.survey, info.context.principal, cycle_id, Page(first, after)
        )
        return [RegionProgress.from_domain(r) for r in found]

    @strawberry.field(description="The Krejcie-Morgan minimum sample for a population.")
    def minimum_sample(self, population: int) -> int:
        if not 1 <= population <= 10**9:
            raise errors.BadUserInput("population must be 1 to 1,000,000,000", "population")
        return krejcie_morgan(population)

    @strawberry.field(description="The IKM of given NRR values, to check a published report.")
    def ikm_of_nrr(self, nrr: list[float], published_rounding: bool = False) -> IkmResult:
        if not 1 <= len(nrr) <= 50 or not all(1 <= v <= 4 for v in nrr):
            raise errors.BadUserInput("give 1-50 NRR values between 1 and 4", "nrr")
        result = ikm(tuple(nrr), published_rounding=published_rounding)
        return IkmResult.from_domain([], result)


def _mutation(
    use_case: Any,
    input_type: type[Any],
    output: type[Any],
    description: str | None = None,
    directives: Sequence[object] = (),
) -> Any:
    return use_case_mutation(
        use_case, input_type, output, repositories="survey", description=description,
        directives=directives,
    )  # fmt: skip


@strawberry.type
class Mutation:
    survey_replay_undelivered_events: ReplayedEvents = replay_undelivered_events_field()
    publish_instrument = _mutation(
        handlers.instruments.publish_instrument, inputs.PublishInstrumentInput, Instrument
    )
    open_campaign = _mutation(handlers.campaigns.open_campaign, inputs.OpenCampaignInput, Campaign)

    @strawberry.mutation
    async def close_campaign(self, info: SurveyInfo, id: strawberry.ID) -> Campaign:
        command = commands.CloseCampaign(str(id))
        return Campaign.from_domain(await perform(info, handlers.campaigns.close_campaign, command))

    @strawberry.mutation(description="One-time tokens for citizens; each may answer once.")
    async def issue_respondent_tokens(
        self, info: SurveyInfo, input: inputs.IssueRespondentTokensInput
    ) -> list[str]:
        with located("input"):
            return await handlers.campaigns.issue_respondent_tokens(
                input.command(), info.context.principal, info.context.survey, info.context.mint
            )

    @strawberry.mutation
    async def submit_response(
        self, info: SurveyInfo, input: inputs.SubmitResponseInput
    ) -> SubmitResult:
        with located("input"):
            submitted = await handlers.responses.submit_response(
                input.command(), info.context.principal, info.context.survey, info.context.verify
            )
        return SubmitResult(
            response=Response.from_domain(submitted.response), replayed=submitted.replayed
        )

    @strawberry.mutation(
        description="Each item is accepted or refused on its own.",
        directives=assumed(handlers.responses.MAX_BATCH),
    )
    async def submit_responses(
        self, info: SurveyInfo, inputs: list[inputs.SubmitResponseInput]
    ) -> list[BatchItemResult]:
        batch = [item.command() for item in inputs]
        with located("inputs"):
            items = await handlers.responses.submit_responses(
                batch, info.context.principal, info.context.survey, info.context.verify
            )
        return [
            BatchItemResult(
                index=item.index,
                result=(
                    SubmitResult(
                        response=Response.from_domain(item.submitted.response),
                        replayed=item.submitted.replayed,
                    )
                    if item.submitted
                    else None
                ),
                error=SubmitError.from_error(item.error, item.index) if item.error else None,
            )
            for item in items
        ]

    assign_assessors = _mutation(
        handlers.assessments.assign_assessors, inputs.AssignAssessorsInput, Assignment
    )
    score_answer = _mutation(
        handlers.assessments.score_answer, inputs.ScoreAnswerInput, AssessorScore,
        "An assigned assessor's 0-4 score; scoring again replaces it.",
    )  # fmt: skip
    score_answers = _mutation(
        handlers.assessments.score_answers, inputs.ScoreAnswersInput, ScoredAnswers,
        "An assigned assessor's scores of any part of a questionnaire, or all of it: every "
        "score is checked before any is stored, and sending the same again changes nothing.",
    )  # fmt: skip
    add_finding = _mutation(handlers.assessments.add_finding, inputs.AddFindingInput, Findings)
    register_assessor = _mutation(
        handlers.assessments.register_assessor, inputs.RegisterAssessorInput, Assessor,
        "Registers an assessor (admins), or changes a registered one's name or institution.",
    )  # fmt: skip


schema = SubgraphSchema(query=Query, mutation=Mutation, subscription=Subscription, types=[Region])
