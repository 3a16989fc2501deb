"""Text a caller sends is plain text: no control characters, no invisible or bidi marks.

A name with a NUL, a bell, a right-to-left override (U+202E, which shows `exe.txt` as
`txt.exe`), a zero-width space or a byte order mark looks like another name, or breaks what
later reads it. Tab, line feed and carriage return stay: notes and rule sets are multi-line.
Every argument of an operation is checked, with the variables it uses, before it runs; the
first such character is reported at its argument path (`input.name`, `inputs[3].answers[0]`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
)

UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 and C1 controls, less tab and line breaks
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069"  # zero-width, bidi, separators
    "\ufeff\ufff9-\ufffb]"  # byte order mark, interlinear annotations
)


@dataclass(frozen=True)
class Unprintable:
    field: str
    character: str

    @property
    def message(self) -> str:
        return (
            f"{self.field} holds the character U+{ord(self.character):04X}; "
            "text may not hold control, invisible or bidi characters"
        )


def first_unprintable(
    document: DocumentNode, operation: OperationDefinitionNode, variables: Mapping[str, Any]
) -> Unprintable | None:
    """The first argument of the operation holding such a character, and where."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    for path, value in _arguments(operation.selection_set, fragments, variables, set()):
        found = _in_value(path, value)
        if found:
            return found
    return None


def _arguments(
    selection_set: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    seen: set[str],
) -> Iterator[tuple[str, Any]]:
    """Each argument's name and value (variables resolved); each fragment walked once."""
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            for argument in selection.arguments or ():
                yield argument.name.value, _resolved(argument.value, variables)
        if isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name not in seen and name in fragments:
                seen.add(name)
                yield from _arguments(fragments[name].selection_set, fragments, variables, seen)
        else:
            yield from _arguments(
                getattr(selection, "selection_set", None), fragments, variables, seen
            )


def _resolved(value: ValueNode, variables: Mapping[str, Any]) -> Any:
    if isinstance(value, VariableNode):
        return variables.get(value.name.value)
    if isinstance(value, StringValueNode):
        return value.value
    if isinstance(value, ListValueNode):
        return [_resolved(item, variables) for item in value.values]
    if isinstance(value, ObjectValueNode):
        return {f.name.value: _resolved(f.value, variables) for f in value.fields}
    return None  # numbers, booleans, enums and null hold no text


def _in_value(path: str, value: Any) -> Unprintable | None:
    if isinstance(value, str):
        found = UNPRINTABLE.search(value)
        return Unprintable(path, found.group()) if found else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            inner = _in_value(f"{path}.{key}", item) or _in_value(f"{path}.{key}", str(key))
            if inner:
                return inner
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            inner = _in_value(f"{path}[{index}]", item)
            if inner:
                return inner
    return None
