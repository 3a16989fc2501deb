"""Reading type annotations: the pieces every mapping between layers asks about, for every
value it maps, so each answer is kept."""

from __future__ import annotations

import functools
import types
import typing
from typing import Any


@functools.cache
def without_none(hint: Any) -> tuple[Any, bool]:
    """The annotation without `| None`, and whether it had it."""
    if typing.get_origin(hint) in (types.UnionType, typing.Union):
        rest = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(rest) == 1:
            return rest[0], True
    return hint, False


@functools.cache
def sequence_item(hint: Any) -> Any | None:
    """The item annotation of a `tuple[X, ...]` or `list[X]`, or None for anything else."""
    if typing.get_origin(hint) in (tuple, list):
        return typing.get_args(hint)[0]
    return None
