"""The fields of an update input, derived from the aggregate's fields class: each editable
field optional and left unset when a caller does not send it, so an update input never
repeats what the domain declares."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Sequence
from typing import Any

import strawberry


def editable_fields(name: str, fields_class: type, editable: Sequence[str]) -> type:
    """A dataclass of `fields_class`'s `editable` fields, each `T | None` and unset by
    default, for a GraphQL input to subclass (a tuple becomes a list, as GraphQL shows it)."""
    hints = typing.get_type_hints(fields_class)
    missing = [field for field in editable if field not in hints]
    if missing:
        raise TypeError(f"{fields_class.__name__} has no field {', '.join(missing)}")
    declared = [
        (field, _as_graphql(hints[field]) | None, dataclasses.field(default=strawberry.UNSET))
        for field in editable
    ]
    return dataclasses.make_dataclass(name, declared, kw_only=True)


def _as_graphql(annotation: Any) -> Any:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return list[_as_graphql(args[0])]  # type: ignore[misc]
    if origin in (types.UnionType, typing.Union):
        present = [a for a in args if a is not type(None)]
        return _as_graphql(present[0]) if len(present) == 1 else annotation
    return annotation
