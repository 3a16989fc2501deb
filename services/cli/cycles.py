"""Evaluation cycles as people name them (`2023 · Tahap II · reguler`), and chosen by name.

`--cycle` takes a cycle's id or any words of its name: `2023`, `2023 tahap-2`,
`"2023 Tahap II reguler"`. Words that fit more than one cycle are refused with the
cycles they fit, named, so the caller can say which.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from services.contracts.reference import STAGE_NAMES, CycleStage
from services.kernel.graphql_client import GraphQLClient
from services.messages import _

CYCLES = "{ evaluationCycles(first: 500) { id year stage cohort } }"
CYCLE_HELP = _(
    "the evaluation cycle: its id or words of its name, such as 2023 or "
    "'2023 tahap-2 reguler' (default: the newest)"
)
_STAGE_WORDS = {"TAHAP_1": ("tahap", "i", "1"), "TAHAP_2": ("tahap", "ii", "2"),
                "FIELD": ("field", "review", "tinjauan", "lapangan")}  # fmt: skip


@dataclass(frozen=True)
class Cycle:
    id: str
    year: int
    stage: str
    cohort: str

    @classmethod
    def of(cls, found: dict[str, Any]) -> Cycle:
        return cls(id=found["id"], year=found["year"], stage=found["stage"],
                   cohort=found["cohort"] or "")  # fmt: skip

    @property
    def name(self) -> str:
        known = CycleStage.__members__.get(self.stage)  # the GraphQL enumeration's name
        stage = _(STAGE_NAMES[known]) if known else self.stage
        parts = [str(self.year), stage, self.cohort]
        return " · ".join(part for part in parts if part)

    @property
    def named(self) -> str:
        """Its name with its id beside, for where the id is wanted next: `2023 · ... (01a2...)`."""
        return f"{self.name} ({self.id})"

    @property
    def file_stem(self) -> str:
        """Its name as a file name: `2023-tahap-ii-reguler`."""
        return "-".join(_words(self.name))

    def answers_to(self, words: list[str]) -> bool:
        known = {str(self.year), *_STAGE_WORDS.get(self.stage, ()), *_words(self.cohort)}
        return all(word in known for word in words)


async def chosen(gateway: GraphQLClient, given: str | None) -> Cycle:
    """The cycle `--cycle` names, by id or by name; the newest when none is given (the
    latest year, and of that year the last opened: ids sort by creation)."""
    cycles = [Cycle.of(c) for c in (await gateway(CYCLES))["evaluationCycles"]]
    if not cycles:
        raise LookupError(_("there is no evaluation cycle yet"))
    if not given:
        return max(cycles, key=lambda c: (c.year, c.id))
    by_id = [c for c in cycles if c.id == given]
    fitting = by_id or [c for c in cycles if c.answers_to(_words(given))]
    if len(fitting) == 1:
        return fitting[0]
    if not fitting:
        raise LookupError(_("no evaluation cycle is named {given!r}").format(given=given))
    cycles_named = "; ".join(c.named for c in sorted(fitting, key=lambda c: (c.year, c.id)))
    refused = _("{given!r} names more than one cycle, say which: {cycles}")
    raise LookupError(refused.format(given=given, cycles=cycles_named))


async def named(gateway: GraphQLClient, cycle_id: str) -> str:
    """A cycle known by its id, as people name it with the id beside."""
    return (await chosen(gateway, cycle_id)).named


def _words(text: str) -> list[str]:
    """Lower-case words and numbers, whatever joins them: `Tahap_II · reguler` gives
    tahap, ii, reguler."""
    return re.findall(r"[^\W_]+", text.lower())
