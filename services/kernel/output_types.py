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
from collections.abc import Callable
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


Convert = Callable[[Any], Any]


@functools.cache
def _fields(output: Any) -> tuple[tuple[str, Convert | None], ...]:
    """Each field's name and how a domain value becomes its value (None: unchanged), worked
    out once per output type."""
    hints = typing.get_type_hints(output)
    return tuple(
        (f.name, _converter(hints[f.name]))
        for f in dataclasses.fields(output)
        if f.init and not f.name.startswith("_")
    )


def translated(output: type[T], *sources: Any, **given: Any) -> T:
    """An `output` whose every field not `given` is the attribute of the same name of the
    first of `sources` that has one."""
    declared: Any = output
    values = {}
    for name, convert in _fields(declared):
        if name not in given:
            value = _attribute(sources, name)
            values[name] = value if convert is None or value is None else convert(value)
    return output(**values, **given)


def _attribute(sources: tuple[Any, ...], name: str) -> Any:
    for source in sources:
        if hasattr(source, name):
            return getattr(source, name)
    raise AttributeError(f"none of {[type(s).__name__ for s in sources]} has {name}")


def _converter(hint: Any) -> Convert | None:
    """Lists from sequences (the domain keeps tuples), nested output types translated in turn;
    None when the value is used as it is."""
    inner, _ = without_none(hint)
    item = sequence_item(inner)
    if item is not None:
        each = _converter(item)
        if each is None:
            return list
        return lambda values: [None if v is None else each(v) for v in values]
    if isinstance(inner, type) and dataclasses.is_dataclass(inner):
        nested: Any = inner
        return lambda value: value if isinstance(value, nested) else translated(nested, value)
    return None
