"""The survey's use cases, one module per kind of work."""

from services.survey.handlers import (
    assessments,
    campaigns,
    indices,
    instruments,
    progress,
    responses,
)

__all__ = ["assessments", "campaigns", "indices", "instruments", "progress", "responses"]
