"""GraphQL output types of the survey; each only translates a domain object."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Self

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet
from strawberry.types import Info

from services.contracts.impact import METHODOLOGY_MAPPING, ImpactMapping
from services.contracts.reference import DIMENSION_OF_SUB
from services.kernel.graphql import ROUND_TRIP, assumed, paged, weighed
from services.kernel.output_types import FilledByName, translated
from services.kernel.repository import Page
from services.survey import domain
from services.survey.context import SurveyContext
from services.survey.domain import instruments
from services.survey.domain.assessments import MAX_ASSESSORS, AssignmentFields
from services.survey.domain.assessors import AssessorFields
from services.survey.domain.campaigns import CampaignFields
from services.survey.handlers import indices
from services.survey.handlers.assessments import MAX_SCORES
from services.survey.handlers.assessments import ScoredAnswers as ScoredAnswersReport
from services.survey.handlers.progress import RegionProgress as RegionProgressReport
from services.survey.handlers.progress import (
    assessor_campaign,
    progress_of,
    quotas_of,
    require_quota_reader,
)
from services.survey.schema.enums import (
    Audience,
    EvaluationDimension,
    QuestionType,
)
from services.survey.schema.indices import (
    CitizenImpact,
    DimensionImpactType,
    IkmResult,
    ItemScoreType,
    QuestionStatistics,
    SubDimensionImpactType,
)

if TYPE_CHECKING:
    from services.survey.schema import Region

SurveyInfo = Info[SurveyContext, None]

MOST_QUESTIONS = instruments.MAX_QUESTIONS
# reading every response of a campaign (up to 900 citizens, or 117 questions by 5 assessors),
# as the objects one could read in that time
READS_A_CAMPAIGN = 1_000
SUB_DIMENSIONS = len(DIMENSION_OF_SUB)


@strawberry.type
class Question:
    code: str
    text: str
    type: QuestionType
    evaluation_dimension: EvaluationDimension | None
    smart_dimension: str | None
    sub_dimension: str | None
    element: str
    scale_min: int | None
    scale_max: int | None
    options: list[str]
    required: bool

    @classmethod
    def from_domain(cls, question: domain.Question) -> Self:
        low, high = question.scale or (None, None)
        return translated(cls, question, scale_min=low, scale_max=high)


@strawberry.type
class Section:
    code: str
    title: str
    questions: list[Question] = strawberry.field(directives=assumed(MOST_QUESTIONS))


@strawberry.type
class Instrument:
    key: str
    version: int
    title: str
    published_by: str
    sections: list[Section] = strawberry.field(directives=assumed(instruments.MAX_SECTIONS))
    question_count: int

    @classmethod
    def from_domain(cls, instrument: domain.Instrument) -> Self:
        # cut to the most the schema declares, for an instrument stored before those limits
        sections = [
            Section(
                code=s.code,
                title=s.title,
                questions=[Question.from_domain(q) for q in s.questions[:MOST_QUESTIONS]],
            )
            for s in instrument.sections[: instruments.MAX_SECTIONS]
        ]
        return cls(
            key=instrument.key,
            version=instrument.instrument_version,
            title=instrument.title,
            published_by=instrument.published_by,
            sections=sections,
            question_count=len(instrument.questions()),
        )


@strawberry.type
class Answer(FilledByName):
    question_code: str
    score: int | None
    number: float | None
    text: str | None
    choice: str | None
    choices: list[str]
    yes: bool | None
    evidence: list[str]


@strawberry.type
class Response:
    id: strawberry.ID
    campaign_id: strawberry.ID
    audience: Audience
    respondent: str | None = strawberry.field(description="Null for citizens, who stay anonymous.")
    sub_dimension: str | None
    submitted_at: dt.datetime
    answers: list[Answer] = strawberry.field(directives=assumed(MOST_QUESTIONS))

    @classmethod
    def from_domain(cls, response: domain.Response) -> Self:
        citizen = response.audience is domain.Audience.CITIZEN
        # as many answers as a response holds now (one stored before may hold more)
        answers = [Answer.from_domain(a) for a in response.answers[:MOST_QUESTIONS]]
        respondent = None if citizen else response.respondent
        return translated(cls, response, respondent=respondent, answers=answers)


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class EvaluationCycle:
    """The cycle a campaign belongs to: its year, stage and cohort come from the catalog."""

    id: strawberry.ID


@strawberry.type
class Campaign(CampaignFields):
    id: strawberry.ID
    _campaign: strawberry.Private[domain.Campaign]

    @classmethod
    def from_domain(cls, campaign: domain.Campaign) -> Self:
        return translated(cls, campaign, _campaign=campaign)

    @strawberry.field(description="Its cycle, to name it by year, stage and cohort.")
    def cycle(self) -> EvaluationCycle:
        return EvaluationCycle(id=strawberry.ID(self._campaign.cycle_id))

    async def _readable(self, info: SurveyInfo, *, raw: bool) -> domain.Campaign:
        await indices.require_reader(
            info.context.survey, info.context.principal, self._campaign, raw=raw
        )
        return self._campaign

    @strawberry.field
    async def instrument(self, info: SurveyInfo) -> Instrument:
        return Instrument.from_domain(
            await indices.instrument_of(info.context.survey, self._campaign)
        )

    @strawberry.field(
        description="n, mean and distribution of each question's answers.",
        directives=assumed(MOST_QUESTIONS, weight=READS_A_CAMPAIGN),
    )
    async def question_statistics(self, info: SurveyInfo) -> list[QuestionStatistics]:
        campaign = await self._readable(info, raw=False)
        found = await indices.question_statistics(info.context.survey, campaign)
        return [QuestionStatistics.from_domain(s) for s in found[:MOST_QUESTIONS]]

    @strawberry.field(
        description="Each question's item score: the mean over its assessors.",
        directives=assumed(MOST_QUESTIONS, weight=READS_A_CAMPAIGN),
    )
    async def item_scores(self, info: SurveyInfo) -> list[ItemScoreType]:
        campaign = await self._readable(info, raw=False)
        found = await indices.item_scores(info.context.survey, campaign)
        return [ItemScoreType.from_domain(i) for i in found[:MOST_QUESTIONS]]

    @strawberry.field(
        description="Citizen impact per sub-dimension and dimension on the 0-4 scale, the "
        "answers mapped as the methodology maps them (LINEAR unless asked otherwise); a "
        "scorecard's citizen figures follow its rule set's mapping, the same in the shipped one.",
        directives=weighed(READS_A_CAMPAIGN),
    )
    async def citizen_impact(
        self, info: SurveyInfo, mapping: ImpactMapping = METHODOLOGY_MAPPING
    ) -> CitizenImpact:
        campaign = await self._readable(info, raw=False)
        subs, dims = await indices.impact(info.context.survey, campaign, mapping)
        return CitizenImpact(
            sub_dimensions=[SubDimensionImpactType.from_domain(s) for s in subs],
            dimensions=[DimensionImpactType.from_domain(d) for d in dims],
        )

    @strawberry.field(
        description="IKM: NRR per element, the 25-100 index and its grade.",
        directives=weighed(READS_A_CAMPAIGN),
    )
    async def ikm(self, info: SurveyInfo, published_rounding: bool = False) -> IkmResult:
        campaign = await self._readable(info, raw=False)
        elements, result = await indices.ikm_of(
            info.context.survey, campaign, published_rounding=published_rounding
        )
        return IkmResult.from_domain(elements, result)

    @strawberry.field(
        description="Tokens issued and responses received, per sub-dimension: admins, "
        "ministries, and the region's operator and enumerators.",
        directives=assumed(SUB_DIMENSIONS, weight=ROUND_TRIP),
    )
    async def quotas(self, info: SurveyInfo) -> list[CampaignQuota]:
        require_quota_reader(info.context.principal, self._campaign)
        found = await quotas_of(info.context.survey, self._campaign)
        return [CampaignQuota.from_domain(q) for q in found]

    @strawberry.field(directives=paged(weight=ROUND_TRIP))
    async def responses(
        self, info: SurveyInfo, first: int = 100, after: str | None = None
    ) -> list[Response]:
        campaign = await self._readable(info, raw=True)
        page = Page(first, after)
        found = await info.context.survey.responses.of_campaign(campaign.id, page)
        return [Response.from_domain(r) for r in found]

    @strawberry.field(
        description="All responses as CSV, one column per question code.",
        directives=weighed(READS_A_CAMPAIGN),
    )
    async def responses_csv(self, info: SurveyInfo) -> str:
        campaign = await self._readable(info, raw=True)
        instrument = await indices.instrument_of(info.context.survey, campaign)
        return indices.responses_csv(
            instrument, await indices.responses_of(info.context.survey, campaign)
        )


@strawberry.type(description="A person who assesses regions, as the registry knows them.")
class Assessor(AssessorFields):
    @classmethod
    def from_domain(cls, assessor: domain.Assessor) -> Self:
        return translated(cls, assessor)


@strawberry.type
class Findings:
    assessor: str = strawberry.field(description="The registry id of the assessor who wrote them.")
    strengths: list[str]
    weaknesses: list[str]
    recommendations: list[str]

    @strawberry.field(description="The assessor who wrote them: name and institution.")
    async def author(self, info: SurveyInfo) -> Assessor | None:
        found = await info.context.loaders.assessors.load(self.assessor)
        return Assessor.from_domain(found) if found else None

    @classmethod
    def from_domain(cls, findings: domain.Findings) -> Self:
        return cls(
            assessor=findings.assessor,
            strengths=findings.of_kind(domain.FindingKind.STRENGTH),
            weaknesses=findings.of_kind(domain.FindingKind.WEAKNESS),
            recommendations=findings.of_kind(domain.FindingKind.RECOMMENDATION),
        )


@strawberry.type
class AssessorScore:
    question_code: str
    assessor: str
    score: int
    note: str
    revision: int
    scored_at: dt.datetime
    previous_scores: list[int]

    @classmethod
    def from_domain(cls, score: domain.AssessorScore) -> Self:
        return translated(cls, score, previous_scores=[r.score for r in score.history])


@strawberry.type
class ScoredAnswers:
    changed: int = strawberry.field(description="Scores given or changed by this request.")
    unchanged: int = strawberry.field(description="Scores already stored as sent.")
    scores: list[AssessorScore] = strawberry.field(directives=assumed(MAX_SCORES))

    @classmethod
    def from_domain(cls, report: ScoredAnswersReport) -> Self:
        return cls(
            changed=report.changed,
            unchanged=report.unchanged,
            scores=[AssessorScore.from_domain(s) for s in report.scores],
        )


@strawberry.type(description="How far one assessor has come with a region in a cycle.")
class AssessorProgress(FilledByName):
    assessor: str = strawberry.field(description="The assessor's registry id.")
    scored: int = strawberry.field(description="Questions scored so far.")
    questions: int = strawberry.field(description="Questions of the assessor campaign.")
    findings: int = strawberry.field(description="Strengths, weaknesses and recommendations.")
    done: bool = strawberry.field(description="Every question scored.")

    @strawberry.field(description="The assessor: name and institution.")
    async def author(self, info: SurveyInfo) -> Assessor | None:
        found = await info.context.loaders.assessors.load(self.assessor)
        return Assessor.from_domain(found) if found else None


# the survey's own view of a region (`schema.Region`), which refers back to these types
SurveyRegion = Annotated["Region", strawberry.lazy("services.survey.schema")]


def region_of(code: str) -> SurveyRegion:
    """The region under `code`, for the gateway to join the catalog's fields onto."""
    from services.survey.schema import Region  # at call time: it imports this module

    return Region(code=code)


@strawberry.type
class Assignment(AssignmentFields, FilledByName):
    assessors: list[str]  # type: ignore[assignment]  # the domain's tuple, shown as a list

    @strawberry.field(description="The region assessed.")
    def region(self) -> SurveyRegion:
        return region_of(self.region_code)

    @strawberry.field(
        description="The region's assessor campaign in the cycle, once opened.",
        directives=weighed(ROUND_TRIP),
    )
    async def campaign(self, info: SurveyInfo) -> Campaign | None:
        found = await assessor_campaign(info.context.survey, self.region_code, self.cycle_id)
        return Campaign.from_domain(found) if found else None

    @strawberry.field(
        description="Each assigned assessor's questions scored and findings written.",
        directives=assumed(MAX_ASSESSORS, weight=ROUND_TRIP),
    )
    async def progress(self, info: SurveyInfo) -> list[AssessorProgress]:
        survey = info.context.survey
        campaign = await assessor_campaign(survey, self.region_code, self.cycle_id)
        found = await progress_of(
            survey, self.region_code, self.cycle_id, tuple(self.assessors), campaign
        )
        return [AssessorProgress.from_domain(p) for p in found]


@strawberry.type(description="Respondent tokens issued and responses received against a quota.")
class CampaignQuota(FilledByName):
    sub_dimension: str | None = strawberry.field(
        description="Null for a campaign not counted by sub-dimension."
    )
    quota: int
    issued: int
    answered: int


@strawberry.type(description="A region's season in a cycle: who has done their part.")
class RegionProgress(FilledByName):
    region_code: str

    @strawberry.field(description="The region.")
    def region(self) -> SurveyRegion:
        return region_of(self.region_code)

    self_assessments: int = strawberry.field(
        description="Responses to the region's self-assessment (0 or 1)."
    )
    assessors: list[AssessorProgress] = strawberry.field(directives=assumed(MAX_ASSESSORS))
    citizen_responses: int
    citizen_target: int = strawberry.field(
        description="Respondents wanted: each citizen campaign's quota per sub-dimension."
    )
    campaigns: list[Campaign] = strawberry.field(directives=assumed(domain.MAX_CAMPAIGNS_A_CYCLE))

    @classmethod
    def from_domain(cls, source: RegionProgressReport) -> Self:
        campaigns = [Campaign.from_domain(c) for c in source.campaigns]
        return translated(cls, source, campaigns=campaigns)
