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

    def to_document(self, aggregate: A) -> StoredAggregate:
        values = {
            name: _stored(hint, getattr(aggregate, name)) for name, hint in self.fields.items()
        }
        return self.document(**values)

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
