"""Input objects built by converters worked out once per input type.

Strawberry converts an argument's input value by walking its annotations again for every
value it meets: a batch of 500 responses of 18 answers each resolves the same field types
ten thousand times, a fifth of the survey's time on a citizens' sync. `compile_inputs` gives
each input type of a built schema a `from_input` of its own (strawberry's hook for types
that build their own value), which converts each field with a function chosen once.

What it does not know (a `Maybe`, a `GlobalID`) it leaves to strawberry, field by field, so
an input converts to what strawberry would have built.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING
from typing import Any

from strawberry.relay.types import GlobalID
from strawberry.types.arguments import InputContext
from strawberry.types.base import (
    StrawberryList,
    StrawberryMaybe,
    StrawberryObjectDefinition,
    StrawberryOptional,
    has_object_definition,
)
from strawberry.types.lazy_type import LazyType
from strawberry.types.unset import UNSET

Convert = Callable[[Any, InputContext], Any]
"""An input value to its Python value; None where the value is kept as it is."""


class _Unknown(Exception):
    """A type strawberry must convert itself."""


def compile_inputs(definitions: list[StrawberryObjectDefinition], name_of: Any) -> None:
    """Each input definition builds its own values; `name_of(field)` is a field's GraphQL
    name, as the schema's name converter gives it."""
    for definition in definitions:
        if definition.is_input and definition.from_input is None:
            definition.from_input = _builder(definition, name_of)


def _builder(definition: StrawberryObjectDefinition, name_of: Any) -> Any:
    """The `from_input` of one input type."""
    nones = {
        field.python_name: None
        for field in definition.fields
        if field.default_value is MISSING and field.default_factory is MISSING
    }
    fields = []
    for field in definition.fields:
        graphql_name = name_of(field)
        field_type = field.resolve_type(type_definition=definition)
        fields.append((graphql_name, field.python_name, _converter(field_type, graphql_name)))

    def from_input(cls: type, value: Mapping[str, Any], context: InputContext) -> Any:
        kwargs: dict[str, Any] = dict(nones)
        for graphql_name, python_name, convert in fields:
            if graphql_name in value:
                given = value[graphql_name]
                kwargs[python_name] = given if convert is None else convert(given, context)
        return cls(**kwargs)

    return from_input


def _converter(field_type: Any, graphql_name: str) -> Convert | None:
    """A field's converter; strawberry's own conversion for what `_convert` does not know."""
    try:
        return _convert(field_type)
    except _Unknown:
        return lambda value, context: context.convert(value, field_type, graphql_name)


def _convert(field_type: Any) -> Convert | None:
    """How a value of `field_type` converts; raises _Unknown for what strawberry must do."""
    if isinstance(field_type, StrawberryMaybe) or field_type is GlobalID:
        raise _Unknown
    if isinstance(field_type, LazyType):
        return _convert(field_type.resolve_type())
    if isinstance(field_type, StrawberryOptional):
        return _absent_or(_convert(field_type.of_type))
    if isinstance(field_type, StrawberryList):
        return _absent_or(_list_of(_convert(field_type.of_type)))
    if has_object_definition(field_type):
        nested: Any = field_type

        def build(value: Any, context: InputContext) -> Any:
            definition = nested.__strawberry_definition__
            assert definition.from_input is not None, "an input compiled with its schema"
            return definition.from_input(nested, value, context)

        return build
    return None  # a scalar or an enum: graphql-core has parsed it already


def _absent_or(convert: Convert | None) -> Convert | None:
    if convert is None:
        return None

    def present(value: Any, context: InputContext) -> Any:
        return value if value is None or value is UNSET else convert(value, context)

    return present


def _list_of(convert: Convert | None) -> Convert:
    if convert is None:
        return lambda value, context: list(value)  # a copy: graphql-core shares defaults
    return lambda value, context: [convert(item, context) for item in value]
