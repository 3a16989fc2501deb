"""A region's results letter for a cycle, for whoever may read its scorecard."""

from __future__ import annotations

from collections.abc import Sequence

from services.kernel import errors
from services.kernel.auth import Principal
from services.kernel.downloads import File
from services.scoring import access
from services.scoring.domain.letters import letter_of
from services.scoring.domain.scorecards import scorecard_id
from services.scoring.letters.renderer import LetterRenderer
from services.scoring.letters.wording import LANGUAGES
from services.scoring.repository import Scoring

PATH = "/letters/{region_code}/{cycle_id}.pdf"


def letter_path(region_code: str, cycle_id: str) -> str:
    return PATH.format(region_code=region_code, cycle_id=cycle_id)


async def letter_pdf(
    region_code: str,
    cycle_id: str,
    principal: Principal,
    scoring: Scoring,
    renderer: LetterRenderer,
    language: str = LANGUAGES[0],
) -> File:
    """The letter in Bahasa Indonesia, or in English with `language=en`."""
    if language not in LANGUAGES:
        raise errors.BadUserInput(f"language is one of {', '.join(LANGUAGES)}", "language")
    card = await scoring.scorecards.get(scorecard_id(region_code, cycle_id))
    if card is None:
        raise errors.NotFound(f"region {region_code} has no scorecard in cycle {cycle_id}")

    async def closed(cycle_ids: list[str]) -> Sequence[bool]:
        found = await scoring.facts.closed_cycles(cycle_ids)
        return [c in found for c in cycle_ids]

    if not await access.readable(principal, [card], closed):
        if principal.is_anonymous:
            raise errors.Unauthenticated("sign in to read the letter of a cycle still open")
        raise errors.Forbidden(f"the letter of {region_code} in cycle {cycle_id} is not yours")
    facts = await scoring.facts.letter_facts(region_code, cycle_id)
    if facts is None:
        raise errors.NotFound(f"region {region_code} or cycle {cycle_id} is not known (yet)")
    ranking = (await scoring.rankings.of_cycles([cycle_id]))[cycle_id]
    cohort_size = sum(c.cohort == card.cohort for c in await scoring.scorecards.of_cycle(cycle_id))
    letter = letter_of(card, facts, ranking, cohort_size)
    body = await renderer.pdf(letter, language)
    name = f"hasil-evaluasi-{region_code}-{card.year}.pdf"
    return File(body, "application/pdf", name)
