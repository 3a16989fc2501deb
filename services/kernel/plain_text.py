"""Text a caller sends is plain text (see `characters`): every argument of an operation is
checked, with the variables it uses, before it runs; the first character plain text may not
hold is reported at its argument path (`input.name`, `inputs[3].answers[0]`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
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

from services.kernel.characters import Unprintable, unprintable_in


def first_unprintable(
    document: DocumentNode, operation: OperationDefinitionNode, variables: Mapping[str, Any]
) -> Unprintable | None:
    """The first argument of the operation holding such a character, and where."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    for path, value in _arguments(operation.selection_set, fragments, variables, set()):
        found = unprintable_in(path, value)
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
