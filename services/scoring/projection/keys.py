"""Where the projection keeps each piece of evidence: collections, bucket keys, and nested
keys escaped, since Mongo field names may not hold `.` or start `$`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pymongo.collection import Collection


@dataclass(frozen=True)
class Collections:
    """The projection's collections in scoring's database."""

    regions: Collection[Any]
    cycles: Collection[Any]
    instruments: Collection[Any]
    programs: Collection[Any]  # one document per region
    evidence: Collection[Any]
    findings: Collection[Any]  # one document per region and cycle, for the results letter
    assessors: Collection[Any]  # the registry's names and institutions

    @classmethod
    def of(cls, db: Any) -> Collections:
        return cls(db["facts_regions"], db["facts_cycles"], db["facts_instruments"],
                   db["facts_programs"], db["facts_evidence"], db["facts_findings"],
                   db["facts_assessors"])  # fmt: skip


REVISION_SLOT = 10  # assessor scores are kept as revision * 10 + score, so $max keeps the latest


def escape(key: str) -> str:
    return key.replace("%", "%25").replace(".", "%2E").replace("$", "%24")


def unescape(key: str) -> str:
    return key.replace("%2E", ".").replace("%24", "$").replace("%25", "%")


def evidence_key(region_code: str, cycle_id: str) -> str:
    return f"{region_code}:{cycle_id}"


def scores_key(region_code: str, cycle_id: str, question_code: str) -> str:
    """The bucket of a question's section: the code up to its first `.` (A.1.2 -> A)."""
    return f"{evidence_key(region_code, cycle_id)}:q:{question_code.split('.', 1)[0]}"


def citizens_key(region_code: str, cycle_id: str, sub_dimension: str) -> str:
    return f"{evidence_key(region_code, cycle_id)}:c:{sub_dimension}"
