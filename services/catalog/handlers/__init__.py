"""The catalog's use cases, one module per aggregate: check the caller, change the
aggregate, store it with its events."""

from services.catalog.handlers import cycles, programs, quick_wins, regions

__all__ = ["cycles", "programs", "quick_wins", "regions"]
