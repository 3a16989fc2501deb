"""Filters by smart city dimension, checked against the reference data."""

from __future__ import annotations

from services.contracts.reference import DIMENSION_BY_KEY, DIMENSION_OF_SUB
from services.kernel.errors import BadUserInput


def check_filter(dimension: str | None, sub_dimension: str | None = None) -> None:
    """A filter naming a dimension that does not exist is a mistake, not an empty result."""
    if dimension is not None and dimension not in DIMENSION_BY_KEY:
        known = ", ".join(DIMENSION_BY_KEY)
        raise BadUserInput(f"unknown dimension {dimension!r} (one of: {known})", "dimension")
    if sub_dimension is not None and sub_dimension not in DIMENSION_OF_SUB:
        raise BadUserInput(f"unknown sub-dimension {sub_dimension!r}", "subDimension")
