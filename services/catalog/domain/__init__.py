"""The catalog's aggregates: regions, masterplans, programs, quick wins, evaluation cycles.

An aggregate's fields, as far as its GraphQL type shows them, are a dataclass of their own
(`RegionFields`, `MasterplanFields`, `ProgramFields`, `QuickWinFields`,
`EvaluationCycleFields`) that the aggregate, its GraphQL type and, where they match, its command
subclass: one declaration. Those modules evaluate their annotations (no `from __future__
import annotations`) so that GraphQL can read them as types.
"""

from services.catalog.domain.cycles import (
    CycleStage,
    CycleStatus,
    EvaluationCycle,
)
from services.catalog.domain.programs import (
    FundingSource,
    Program,
    ProgramPhase,
    ProgressReport,
    ProgressStage,
)
from services.catalog.domain.quick_wins import QuickWin, QuickWinStatus
from services.catalog.domain.regions import (
    Masterplan,
    MasterplanStatus,
    Region,
    RegionKind,
)
from services.kernel.aggregate import Aggregate

__all__ = [
    "Aggregate",
    "CycleStage",
    "CycleStatus",
    "EvaluationCycle",
    "FundingSource",
    "Masterplan",
    "MasterplanStatus",
    "Program",
    "ProgramPhase",
    "ProgressReport",
    "ProgressStage",
    "QuickWin",
    "QuickWinStatus",
    "Region",
    "RegionKind",
]
