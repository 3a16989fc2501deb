"""GraphQL output types filled from domain objects by field name.

A subgraph's output type declares what the API shows; `translated` fills it from the domain
object's attributes of the same names, so a type restates no field list a second time.
Lists become lists (the domain keeps tuples), nested output types are translated in turn,
and values given by name win (a renamed, hidden or computed field).
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from typing import Any, Self, TypeVar

from services.kernel.annotations import sequence_item, without_none

T = TypeVar("T")


class FilledByName:
    """The base of a GraphQL output type filled from its domain object by field name."""

    @classmethod
    def from_domain(cls, source: Any) -> Self:
        return translated(cls, source)

    @classmethod
    def from_found(cls, source: Any | None) -> Self | None:
        """The output of what a lookup found, or None when it found nothing."""
        return None if source is None else cls.from_domain(source)


@functools.cache
def _fields(output: Any) -> tuple[tuple[str, Any], ...]:
    hints = typing.get_type_hints(output)
    return tuple(
        (f.name, hints[f.name])
        for f in dataclasses.fields(output)
        if f.init and not f.name.startswith("_")
    )


def translated(output: type[T], *sources: Any, **given: Any) -> T:
    """An `output` whose every field not `given` is the attribute of the same name of the
    first of `sources` that has one."""
    declared: Any = output
    values = {
        name: _converted(hint, _attribute(sources, name))
        for name, hint in _fields(declared)
        if name not in given
    }
    return output(**values, **given)


def _attribute(sources: tuple[Any, ...], name: str) -> Any:
    for source in sources:
        if hasattr(source, name):
            return getattr(source, name)
    raise AttributeError(f"none of {[type(s).__name__ for s in sources]} has {name}")


def _converted(hint: Any, value: Any) -> Any:
    inner, _ = without_none(hint)
    item = sequence_item(inner)
    if value is None:
        return None
    if item is not None:
        return [_converted(item, v) for v in value]
    if isinstance(inner, type) and dataclasses.is_dataclass(inner) and not isinstance(value, inner):
        return translated(inner, value)
    return value
