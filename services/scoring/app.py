"""Scoring's composition root: storage, the projection's consumer, the rules engine, the schema."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.applications import Starlette

from services.kernel.auth import Principal
from services.kernel.consumer import DurableConsumer
from services.kernel.downloads import Download, File
from services.kernel.messaging import NatsLink
from services.kernel.mongo import Storage
from services.kernel.publisher import Publish
from services.kernel.runtime import ServiceRuntime, Wiring, serve
from services.kernel.settings import Settings
from services.scoring import storage
from services.scoring.context import ScoringContext, make_context
from services.scoring.engine.pool import RulesEngine
from services.scoring.handlers.letters import PATH, letter_pdf
from services.scoring.handlers.planner import Planner, budget_within
from services.scoring.handlers.rescoring import Rescorer
from services.scoring.handlers.rulesets import install_default
from services.scoring.handlers.scorer import Scorer
from services.scoring.letters.renderer import LetterRenderer
from services.scoring.letters.wording import LANGUAGES
from services.scoring.projection.projector import FactsProjector
from services.scoring.repository import Scoring
from services.scoring.schema import schema

NAME = "scoring"
CONSUMER = "scoring-facts"  # one durable consumer shared by every replica: they split the work


@dataclass
class Machinery:
    """The rules engine and what drives it, started with the service and stopped with it."""

    engine: RulesEngine
    letters: LetterRenderer = field(default_factory=LetterRenderer)
    scorer: Scorer | None = None
    rescorer: Rescorer | None = field(default=None)
    planner: Planner | None = None
    planning_seconds: float = 8.0

    async def start(self, scoring: Scoring) -> None:
        await install_default(scoring)
        # a ranking is rewritten after its cycle's scorecards are stored: a process stopped
        # between the two left it behind them
        await scoring.rankings.recompute(await scoring.scorecards.scored_cycles())
        self.scorer = Scorer(scoring, self.engine)
        self.planner = Planner(self.scorer, self.planning_seconds)
        self.rescorer = Rescorer(self.scorer)
        self.rescorer.start()
        await self.rescorer.mark_all()

    async def idle(self) -> None:
        if self.rescorer:
            await self.rescorer.settled()

    def gauges(self) -> dict[str, float]:
        if self.scorer is None or self.rescorer is None:
            return {}
        return self.scorer.gauges() | {
            "scorecards_waiting_to_rescore": self.rescorer.waiting,
            "letters_rendered_total": self.letters.rendered_total,
            "letters_rendering": self.letters.rendering,
            "letters_refused_busy_total": self.letters.refused_total,
        }

    async def stop(self, scoring: Scoring) -> None:
        if self.rescorer:
            await self.rescorer.stop()
        self.engine.close()
        self.letters.close()

    def consumers(self, scoring: Scoring, link: NatsLink, store: Storage) -> list[DurableConsumer]:
        """The projection's consumer, which marks what each event touches for rescoring; the
        projection is idempotent by design, so no ids of applied events are kept."""
        if self.rescorer is None:
            raise RuntimeError("the projection's consumer starts after the machinery")
        projector = FactsProjector(store, on_change=self.rescorer.mark)
        consumer = DurableConsumer(link, CONSUMER, projector, processed=None)
        self.rescorer.backlogged = lambda: consumer.behind
        return [consumer]


def create_app(
    settings: Settings,
    *,
    scoring: Scoring | None = None,
    publish: Publish | None = None,
) -> Starlette:
    machinery = Machinery(
        RulesEngine(
            settings.rule_workers,
            settings.rule_timeout_seconds,
            memory_mb=settings.rule_worker_memory_mb,
        ),
        planning_seconds=budget_within(settings.request_deadline_seconds),
    )
    wiring = Wiring(
        name=NAME,
        documents=storage.DOCUMENTS,
        repositories=storage.mongo_scoring,
        consumers=machinery.consumers,
        on_started=machinery.start,
        on_stopping=machinery.stop,
        gauges=machinery.gauges,
        idle=machinery.idle,
    )
    runtime = ServiceRuntime(settings, wiring, scoring, publish)

    def context(principal: Principal) -> ScoringContext:
        assert machinery.scorer and machinery.rescorer and machinery.planner
        return make_context(
            runtime.repositories, machinery.scorer, machinery.rescorer, machinery.planner, principal
        )

    async def letter(params: dict[str, str], principal: Principal) -> File:
        language = params.get("language", LANGUAGES[0])
        return await letter_pdf(
            params["region_code"], params["cycle_id"], principal, runtime.repositories,
            machinery.letters, language,
        )  # fmt: skip

    return serve(runtime, schema, context, downloads=(Download(PATH, letter),))
