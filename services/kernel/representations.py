"""The entity representations a gateway sends a subgraph are input like any other: each must
name an entity type of the subgraph and give the key its reference resolver takes, as text
or a number, or the request is refused before any is resolved."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import Any

from services.kernel import errors

FIELD = "representations"


Resolvers = Mapping[str, Callable[..., Any] | None]  # by entity type; None: no resolver


def check(representations: list[Any], resolvers: Resolvers) -> None:
    """BAD_USER_INPUT for the first representation a subgraph cannot resolve."""
    for index, representation in enumerate(representations):
        problem = _problem(representation, resolvers)
        if problem:
            raise errors.BadUserInput(f"representation {index} {problem}", FIELD)


def _problem(representation: Any, resolvers: Resolvers) -> str | None:
    if not isinstance(representation, dict):
        return "is not an object"
    typename = representation.get("__typename")
    if not isinstance(typename, str) or typename not in resolvers:
        return "names no entity type of this subgraph"
    resolver = resolvers[typename]
    for name in _key_parameters(resolver) if resolver else ():
        value = representation.get(name)
        if isinstance(value, bool) or not isinstance(value, str | int):
            return f"must give its key {name!r} as text"
    return None


@functools.cache  # a subgraph's few reference resolvers, asked for every representation
def _key_parameters(resolver: Callable[..., Any]) -> tuple[str, ...]:
    """The parameters a reference resolver requires, less `info`."""
    return tuple(
        name
        for name, parameter in inspect.signature(resolver).parameters.items()
        if name != "info"
        and parameter.default is inspect.Parameter.empty
        and parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)
    )
