"""The response the client asked for, cut from the merged subgraph data.

Only the selected response keys are kept, in the order of the operation; fields the planner
added (keys, `__typename`) fall away. A null where the schema says non-null makes the
nearest nullable parent null, as the GraphQL spec says, with an error unless one is
already recorded at or below that place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLCompositeType,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    get_named_type,
    is_composite_type,
)

from services.gateway.planning.operation import PreparedField, PreparedFragment, PreparedSelection
from services.gateway.planning.planner import INTROSPECTION_FIELDS

Path = tuple[str | int, ...]


class _Propagate:
    """A null that must move up to the nearest nullable place."""


PROPAGATE = _Propagate()


def _wrappers(output_type: GraphQLOutputType) -> tuple[str, ...]:
    found: list[str] = []
    while isinstance(output_type, GraphQLNonNull | GraphQLList):
        found.append("!" if isinstance(output_type, GraphQLNonNull) else "[")
        output_type = output_type.of_type
    return tuple(found)


@dataclass
class ShapeField:
    key: str
    name: str
    coordinate: str
    wrappers: tuple[str, ...]
    shape: Shape | None  # None for leaves and passed-through introspection
    enum: str | None = None  # a leaf's enum type: a value clients cannot see is null


@dataclass
class Shape:
    """A selection set on a composite type; its fields are worked out per concrete type."""

    schema: GraphQLSchema
    parent: GraphQLCompositeType
    selections: list[PreparedSelection]
    _fields: dict[str, list[ShapeField]] = field(default_factory=dict)

    def fields_for(self, type_name: str) -> list[ShapeField]:
        found = self._fields.get(type_name)
        if found is None:
            found = self._fields[type_name] = self._collect(type_name)
        return found

    def _applies(self, condition: str | None, type_name: str) -> bool:
        if condition is None or condition == type_name:
            return True
        target = self.schema.get_type(condition)
        concrete = self.schema.get_type(type_name)
        if not isinstance(concrete, GraphQLObjectType) or not is_composite_type(target):
            return False
        return self.schema.is_sub_type(target, concrete)  # type: ignore[arg-type]

    def _gather(
        self,
        selections: list[PreparedSelection],
        type_name: str,
        into: dict[str, list[PreparedField]],
    ) -> None:
        for selection in selections:
            if isinstance(selection, PreparedFragment):
                if self._applies(selection.type_condition, type_name):
                    self._gather(selection.selections, type_name, into)
            else:
                into.setdefault(selection.key, []).append(selection)

    def _collect(self, type_name: str) -> list[ShapeField]:
        grouped: dict[str, list[PreparedField]] = {}
        self._gather(self.selections, type_name, grouped)
        concrete = self.schema.get_type(type_name)
        owner = concrete if isinstance(concrete, GraphQLObjectType) else self.parent
        fields = []
        for key, same_key in grouped.items():
            name = same_key[0].name
            if name == "__typename" or name in INTROSPECTION_FIELDS:
                fields.append(ShapeField(key, name, f"{type_name}.{name}", (), None))
                continue
            definition = owner.fields[name]  # type: ignore[union-attr]
            named = get_named_type(definition.type)
            nested = None
            if is_composite_type(named):
                merged = [s for f in same_key for s in f.selections or ()]
                nested = Shape(self.schema, named, merged)
            enum = named.name if isinstance(named, GraphQLEnumType) else None
            coordinate = f"{owner.name}.{name}"
            fields.append(
                ShapeField(key, name, coordinate, _wrappers(definition.type), nested, enum)
            )
        return fields


class Shaper:
    """Completes one response; collects the errors for nulls nobody explained."""

    def __init__(self, errors: list[dict[str, Any]], api_schema: GraphQLSchema) -> None:
        self.errors = errors
        self.explained = {tuple(e["path"]) for e in errors if e.get("path")}
        self.api_schema = api_schema

    def data(self, root: Shape, data: dict[str, Any] | None) -> dict[str, Any] | None:
        completed = self._object(data or {}, root, ())
        return None if completed is PROPAGATE else completed  # type: ignore[return-value]

    def _object(
        self, value: dict[str, Any], shape: Shape, path: Path
    ) -> dict[str, Any] | _Propagate | None:
        type_name = value.get("__typename") or shape.parent.name
        if type_name not in self.api_schema.type_map:
            return None  # an object of a type clients cannot see (@inaccessible) is null
        result: dict[str, Any] = {}
        for shape_field in shape.fields_for(type_name):
            key = shape_field.key
            if shape_field.name == "__typename":
                result[key] = type_name
            elif shape_field.shape is None and not shape_field.wrappers and not shape_field.enum:
                result[key] = value.get(key)
            else:
                completed = self._value(value.get(key), shape_field, 0, (*path, key))
                if completed is PROPAGATE:
                    return PROPAGATE
                result[key] = completed
        return result

    def _value(self, value: Any, shape_field: ShapeField, depth: int, path: Path) -> Any:
        wrappers = shape_field.wrappers
        non_null = depth < len(wrappers) and wrappers[depth] == "!"
        if non_null:
            depth += 1
        completed = self._nullable(value, shape_field, depth, path)
        if completed is None and non_null:
            if not self._is_explained(path):
                self.errors.append(
                    {
                        "message": "Cannot return null for non-nullable field "
                        f"{shape_field.coordinate}.",
                        "path": list(path),
                        "extensions": {"code": "INTERNAL_SERVER_ERROR"},
                    }
                )
                self.explained.add(path)
            return PROPAGATE
        if completed is PROPAGATE:
            return PROPAGATE if non_null else None
        return completed

    def _nullable(self, value: Any, shape_field: ShapeField, depth: int, path: Path) -> Any:
        if value is None:
            return None
        if depth < len(shape_field.wrappers):  # a list
            if not isinstance(value, list):
                return None
            items = []
            for index, item in enumerate(value):
                completed = self._value(item, shape_field, depth + 1, (*path, index))
                if completed is PROPAGATE:
                    return PROPAGATE
                items.append(completed)
            return items
        if shape_field.enum is not None:
            return value if self._visible(shape_field.enum, value) else None
        if shape_field.shape is None:
            return value
        if not isinstance(value, dict):
            return None
        return self._object(value, shape_field.shape, path)

    def _visible(self, enum: str, value: Any) -> bool:
        """An enum value clients can see: one an @inaccessible value is not."""
        found = self.api_schema.get_type(enum)
        return isinstance(found, GraphQLEnumType) and value in found.values

    def _is_explained(self, path: Path) -> bool:
        return any(path == known[: len(path)] for known in self.explained)
