"""The registry of assessors: each a person, with a name and the institution they assess for
(a university such as UI, ITB or UGM, Perbanas, the ministry). An assessor's token carries
their registry id as its subject, so their scores and findings are theirs by name."""

import re
from dataclasses import dataclass
from typing import Any, Self

from services.contracts.events.survey import AssessorRegistered, AssessorUpdated
from services.kernel.aggregate import Aggregate
from services.kernel.errors import ProblemCollector

ASSESSOR_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}\Z")


@dataclass(kw_only=True)
class AssessorFields:
    """What an assessor is: declared once for the document, the GraphQL type and the command."""

    id: str
    name: str
    institution: str


@dataclass(kw_only=True)
class Assessor(Aggregate, AssessorFields):
    EDITABLE = ("name", "institution")

    def validate(self) -> None:
        problems = ProblemCollector()
        problems.check(
            bool(ASSESSOR_ID.match(self.id)),
            "id",
            "an assessor id is 1-64 lower-case letters, digits, '.', '_' or '-'",
        )
        problems.text("name", self.name, 200)
        problems.text("institution", self.institution, 200)
        problems.raise_if_any()

    @classmethod
    def register(cls, **values: Any) -> Self:
        assessor = cls(**values)
        assessor.validate()
        assessor.events.append(AssessorRegistered.of(assessor))
        return assessor

    def update(self, changes: dict[str, Any]) -> bool:
        changed = self._apply(changes, self.EDITABLE)
        self.validate()
        if changed:
            self.events.append(AssessorUpdated.of(self))
        return bool(changed)
