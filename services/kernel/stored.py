"""An aggregate's private MongoDB document, derived from the aggregate's dataclass, and the
mapping both ways.

The aggregate's dataclass is the one declaration of its fields: `stored_form` makes the
mongoengine document from its annotations, so a field added to the aggregate is stored
and read back with no other edit. Scalars, enumerations, dates and times map to their
mongoengine fields; a tuple or list of them to a list field; nested dataclasses (a program's
progress reports, say) to plain dicts, with their dates as ISO text, since BSON has no date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import is_dataclass
from typing import Any, Generic, TypeVar

import mongoengine as me

from services.kernel.aggregate import Aggregate
from services.kernel.annotations import sequence_item, without_none
from services.kernel.clock import as_utc
from services.kernel.docstore import StoredAggregate

A = TypeVar("A", bound=Aggregate)
BOOKKEEPING = ("version", "events")  # the aggregate's own, stored by the base document


def declared_fields(aggregate: type[Any]) -> dict[str, Any]:
    """The resolved annotation of each field an aggregate is built from."""
    hints = typing.get_type_hints(aggregate)
    return {
        f.name: hints[f.name]
        for f in dataclasses.fields(aggregate)
        if f.init and f.name not in BOOKKEEPING
    }


class StoredForm(Generic[A]):
    """An aggregate class's document class, and the mapping between the two."""

    def __init__(
        self,
        aggregate: type[A],
        base: type[StoredAggregate],
        *,
        collection: str,
        key: str = "id",
        indexes: Sequence[Any] = (),
    ) -> None:
        self.aggregate = aggregate
        self.fields = declared_fields(aggregate)
        defaults = {f.name: f for f in dataclasses.fields(aggregate)}
        attributes: dict[str, Any] = {
            name: _field(hint, required=_required(defaults[name]), primary_key=name == key)
            for name, hint in self.fields.items()
        }
        # not strict: a document written before a field was removed still loads
        attributes["meta"] = {"collection": collection, "indexes": list(indexes), "strict": False}
        # mongoengine keeps one class per name, process-wide: the database and collection make
        # it unique, so two services (or a test) never replace each other's document class
        name = f"{base._meta.get('db_alias')}.{collection}"
        self.document: type[StoredAggregate] = type(name, (base,), attributes)
        self._columns = {name: self.document._fields[name].db_field for name in self.fields}
        self._readers = {name: _reader(hint) for name, hint in self.fields.items()}
        self._defaulted = frozenset(name for name in self.fields if not _required(defaults[name]))
        self._writers = [
            _FieldWriter(name, hint, self.document._fields[name])
            for name, hint in self.fields.items()
        ]

    def to_document(self, aggregate: A) -> StoredAggregate:
        """The aggregate as its mongoengine document, which validates each field."""
        values = {
            name: _stored(hint, getattr(aggregate, name)) for name, hint in self.fields.items()
        }
        return self.document(**values)

    def to_son(self, aggregate: A) -> dict[str, Any]:
        """The aggregate as it is written: what its document's `to_mongo` gives, made
        directly with converters chosen once per field (building the document and its
        fields' conversions cost more than the write)."""
        son: dict[str, Any] = {}
        for writer in self._writers:
            writer.write(getattr(aggregate, writer.name), son)
        return son

    def to_domain(self, son: Mapping[str, Any]) -> A:
        """The aggregate from its stored document as read, without building the document
        class: a field the document lacks (written before the field was added) takes the
        aggregate's default, or is empty."""
        values = {}
        for name, hint in self.fields.items():
            column, read = self._columns[name], self._readers[name]
            if column in son:
                stored = son[column]
                values[name] = stored if read is None or stored is None else read(stored)
            elif name not in self._defaulted:
                values[name] = _empty(hint)
        return self.aggregate(**values, version=son.get("version", 0))


class _FieldWriter:
    """How one field's value is written into the document, as mongoengine's field would
    write it: None is left out (or stored, for a nullable field; a list or dict field takes
    its empty default), and a required field may not be None."""

    def __init__(self, name: str, hint: Any, field: me.BaseField) -> None:
        self.name, self.column = name, field.db_field
        self.null, self.required = field.null, field.required
        self.empty: Callable[[], Any] | None = (
            field.default if isinstance(field, me.ListField | me.DictField) else None
        )
        self.convert = _converter(hint, field)

    def write(self, value: Any, son: dict[str, Any]) -> None:
        if value is not None:
            son[self.column] = self.convert(value)
        elif self.null:
            son[self.column] = None
        elif self.empty is not None:
            son[self.column] = self.empty()
        elif self.required:
            raise ValueError(f"{self.name} is required")


def _converter(hint: Any, field: me.BaseField) -> Callable[[Any], Any]:
    """A value's BSON form (the value not None)."""
    inner, _ = without_none(hint)
    item = sequence_item(inner)
    if item is not None:
        each = _leaf_converter(without_none(item)[0], field.field)
        return lambda values: [None if v is None else each(v) for v in values]
    return _leaf_converter(inner, field)


def _leaf_converter(inner: Any, field: me.BaseField) -> Callable[[Any], Any]:
    if is_dataclass(inner):
        return lambda value: _bson_data(_plain(value))
    if isinstance(field, me.DictField):
        return _checked_dict
    if isinstance(field, me.DynamicField):
        return _bson_data
    if isinstance(field, me.EnumField):
        enum_class = field._enum_cls
        return lambda value: value.value if isinstance(value, enum_class) else value
    if isinstance(field, me.DateField):
        return lambda value: dt.datetime(value.year, value.month, value.day)
    if isinstance(field, me.DateTimeField):
        return _as_datetime
    simple: dict[type[me.BaseField], Callable[[Any], Any]] = {
        me.IntField: int, me.FloatField: float, me.BooleanField: bool,
    }  # fmt: skip
    return simple.get(type(field), _unchanged)


def _unchanged(value: Any) -> Any:
    return value


def _as_datetime(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _checked_dict(value: Any) -> Any:
    """A dict field's value, its keys checked as mongoengine's DictField checks them."""
    if not isinstance(value, dict):
        raise ValueError("only dictionaries may be stored in a dict field")
    if any(not isinstance(key, str) or key.startswith("$") for key in value):
        raise ValueError("a stored dictionary's keys are texts, none starting with $")
    return _bson_data(value)


def _bson_data(value: Any) -> Any:
    """Nested data as mongoengine writes it: mappings as dicts, other collections as lists."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return {key: _bson_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_bson_data(item) for item in value]
    return value


def _empty(hint: Any) -> Any:
    """What a missing field reads as when the aggregate gives it no default."""
    inner, _ = without_none(hint)
    if sequence_item(inner) is not None:
        return _read(hint, [])
    if typing.get_origin(inner) is dict or inner is dict:
        return {}
    return None


def _required(declared: dataclasses.Field[Any]) -> bool:
    return (
        declared.default is dataclasses.MISSING and declared.default_factory is dataclasses.MISSING
    )


def _field(hint: Any, *, required: bool, primary_key: bool = False) -> me.BaseField:
    inner, nullable = without_none(hint)
    options: dict[str, Any] = {"primary_key": True} if primary_key else {"required": required}
    if nullable:
        options = {"null": True}
    item = sequence_item(inner)
    if item is not None:
        return me.ListField(_element(item))
    return _element(inner, **options)


def _element(hint: Any, **options: Any) -> me.BaseField:
    if dataclasses.is_dataclass(hint) or typing.get_origin(hint) is dict or hint is dict:
        return me.DictField(**options)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return me.EnumField(hint, **options)
    simple: dict[Any, Callable[..., me.BaseField]] = {
        str: me.StringField, int: me.IntField, float: me.FloatField, bool: me.BooleanField,
        dt.datetime: me.DateTimeField, dt.date: me.DateField, Any: me.DynamicField,
    }  # fmt: skip
    return simple[hint](**options)


def _stored(hint: Any, value: Any) -> Any:
    """A value as its document field takes it."""
    return _each(hint, value, _stored, lambda inner, v: _plain(v) if is_dataclass(inner) else v)


Convert = Callable[[Any, Any], Any]  # (annotation, value) -> value


def _each(hint: Any, value: Any, one: Convert, leaf: Convert) -> Any:
    """`leaf(inner annotation, value)`, or `one` on each item of a sequence; None stays None."""
    inner, _ = without_none(hint)
    item = sequence_item(inner)
    if value is None:
        return None
    if item is None:
        return leaf(inner, value)
    return [one(item, v) for v in value]


def _plain(value: Any) -> Any:
    """A nested value as plain BSON data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


@functools.cache
def _nested_fields(dataclass: Any) -> dict[str, Any]:
    hints = typing.get_type_hints(dataclass)
    return {f.name: hints[f.name] for f in dataclasses.fields(dataclass)}


def _read(hint: Any, value: Any) -> Any:
    """A value read back from its document (or a nested dict) as the annotation declares it."""
    read = _reader(hint)
    return value if read is None or value is None else read(value)


AS_STORED = (str, int, float, bool, Any)  # read back as they were stored


@functools.cache
def _reader(hint: Any) -> Callable[[Any], Any] | None:
    """How a stored value (not None) becomes what `hint` declares, worked out once per
    annotation; None when it is used as stored."""
    inner, _ = without_none(hint)
    item = sequence_item(inner)
    if item is not None:
        each = _reader(item)
        collect: Callable[[Any], Any] = tuple if typing.get_origin(inner) is tuple else list
        if each is None:
            return collect
        return lambda values: collect(None if v is None else each(v) for v in values)
    if inner in AS_STORED:
        return None
    return functools.partial(_read_one, inner)


def _read_one(inner: Any, value: Any) -> Any:
    if is_dataclass(inner) and isinstance(value, dict):
        built: Any = inner
        nested = _nested_fields(built)
        return built(**{k: _read(nested[k], v) for k, v in value.items() if k in nested})
    if isinstance(inner, type) and issubclass(inner, enum.Enum):
        return inner(value)
    if inner is dt.datetime:
        return as_utc(value)
    if inner is dt.date:
        if isinstance(value, str):
            return dt.date.fromisoformat(value)
        return value.date() if isinstance(value, dt.datetime) else value
    if typing.get_origin(inner) is dict or inner is dict:
        return dict(value)
    return value
