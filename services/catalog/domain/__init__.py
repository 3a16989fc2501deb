"""The catalog's aggregates: regions, masterplans, programs, quick wins, evaluation cycles."""

from services.catalog.domain.cycles import CycleStage, CycleStatus, EvaluationCycle
from services.catalog.domain.programs import (
    FundingSource,
    Program,
    ProgramPhase,
    ProgressReport,
    ProgressStage,
)
from services.catalog.domain.quick_wins import QuickWin, QuickWinStatus
from services.catalog.domain.regions import Masterplan, MasterplanStatus, Region, RegionKind
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
