"""What a scoring resolver sees: the caller, the repositories, the scorer and the rescorer."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.kernel.auth import Principal
from services.kernel.graphql import RequestContext
from services.scoring.handlers.rescoring import Rescorer
from services.scoring.handlers.scorer import Scorer
from services.scoring.repository import Scoring


@dataclass
class ScoringContext(RequestContext):
    scoring: Scoring = field(kw_only=True)
    scorer: Scorer = field(kw_only=True)
    rescorer: Rescorer = field(kw_only=True)


def make_context(
    scoring: Scoring, scorer: Scorer, rescorer: Rescorer, principal: Principal
) -> ScoringContext:
    return ScoringContext(principal=principal, scoring=scoring, scorer=scorer, rescorer=rescorer)
