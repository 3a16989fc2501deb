"""GraphQL inputs of the survey, each turned into a command."""

from __future__ import annotations

import strawberry

from services.survey import commands, domain
from services.survey.schema.enums import EvaluationDimension, QuestionType


@strawberry.input
class QuestionInput:
    code: str
    text: str
    type: QuestionType
    evaluation_dimension: EvaluationDimension | None = None
    smart_dimension: str | None = None
    sub_dimension: str | None = None
    element: str = ""
    scale_min: int | None = None
    scale_max: int | None = None
    options: list[str] = strawberry.field(default_factory=list)
    required: bool = True

    def question(self) -> domain.Question:
        return domain.Question(**(vars(self) | {"options": tuple(self.options)}))


@strawberry.input
class SectionInput:
    code: str
    title: str
    questions: list[QuestionInput]


@strawberry.input
class PublishInstrumentInput:
    key: str
    version: int
    title: str
    sections: list[SectionInput]

    def command(self) -> commands.PublishInstrument:
        sections = tuple(
            domain.Section(
                code=s.code, title=s.title, questions=tuple(q.question() for q in s.questions)
            )
            for s in self.sections
        )
        return commands.PublishInstrument(self.key, self.version, self.title, sections)


@strawberry.input
class OpenCampaignInput(commands.OpenCampaign):
    def command(self) -> commands.OpenCampaign:
        return commands.OpenCampaign(**vars(self))


@strawberry.input
class IssueRespondentTokensInput(commands.IssueRespondentTokens):
    campaign_id: strawberry.ID
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Sent again with the same key and request, it issues nothing more and "
        "returns tokens for the same respondents.",
    )

    def command(self) -> commands.IssueRespondentTokens:
        return commands.IssueRespondentTokens(
            str(self.campaign_id), self.count, self.sub_dimension, self.idempotency_key
        )


@strawberry.input(description="Set the one value field that the question's type takes.")
class AnswerInput:
    question_code: str
    score: int | None = None
    number: float | None = None
    text: str | None = None
    choice: str | None = None
    choices: list[str] = strawberry.field(default_factory=list)
    yes: bool | None = None
    evidence: list[str] = strawberry.field(default_factory=list)

    def answer(self) -> domain.Answer:
        return domain.Answer(
            **(vars(self) | {"choices": tuple(self.choices), "evidence": tuple(self.evidence)})
        )


@strawberry.input
class SubmitResponseInput:
    campaign_id: strawberry.ID
    idempotency_key: str = strawberry.field(
        description="Chosen by the client; a retry with the same key stores nothing new."
    )
    answers: list[AnswerInput]
    respondent_token: str | None = strawberry.field(
        default=None,
        description="A citizen's token, when a field app submits for the citizen it collected.",
    )

    def command(self) -> commands.SubmitResponse:
        answers = tuple(a.answer() for a in self.answers)
        return commands.SubmitResponse(
            str(self.campaign_id), self.idempotency_key, answers, self.respondent_token
        )


@strawberry.input
class AssignAssessorsInput(commands.AssignAssessors):
    assessors: list[str]  # type: ignore[assignment]  # the command's tuple, given as a list

    def command(self) -> commands.AssignAssessors:
        values = vars(self) | {"assessors": tuple(self.assessors)}
        return commands.AssignAssessors(**values)


@strawberry.input
class ScoreAnswerInput(commands.ScoreAnswer):
    campaign_id: strawberry.ID

    def command(self) -> commands.ScoreAnswer:
        return commands.ScoreAnswer(
            str(self.campaign_id), self.question_code, self.score, self.note
        )


@strawberry.input
class QuestionScoreInput(commands.QuestionScore):
    pass


@strawberry.input
class ScoreAnswersInput:
    campaign_id: strawberry.ID
    scores: list[QuestionScoreInput]

    def command(self) -> commands.ScoreAnswers:
        scores = tuple(
            commands.QuestionScore(s.question_code, s.score, s.note) for s in self.scores
        )
        return commands.ScoreAnswers(str(self.campaign_id), scores)


@strawberry.input
class RegisterAssessorInput(commands.RegisterAssessor):
    def command(self) -> commands.RegisterAssessor:
        return commands.RegisterAssessor(self.name, self.institution, self.id)


@strawberry.input
class AddFindingInput(commands.AddFinding):
    def command(self) -> commands.AddFinding:
        return commands.AddFinding(self.region_code, self.cycle_id, self.kind, self.text)
