"""Lookups the survey's use cases share."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from services.kernel import errors
from services.kernel.aggregate import Aggregate
from services.kernel.repository import Repository

A = TypeVar("A", bound=Aggregate)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def require(repository: Repository[A], key: str, what: str, field: str) -> A:
    found = await repository.get(key)
    if found is None:
        raise errors.NotFound(f"{what} {key} does not exist", field)
    return found
