"""An operation made ready to plan: fragments inlined and `@skip`/`@include` decided.

Plans are cached per document, operation name and the values of the variables that
`@skip`/`@include` read, so one prepared operation serves every request that shares them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    ArgumentNode,
    BooleanValueNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from graphql.language import DirectiveNode, ValueNode


@dataclass
class PreparedField:
    key: str  # the response key: the alias, or the name
    name: str
    alias: str | None
    arguments: tuple[ArgumentNode, ...]
    selections: list[PreparedSelection] | None = None


@dataclass
class PreparedFragment:
    type_condition: str | None
    selections: list[PreparedSelection] = field(default_factory=list)


PreparedSelection = PreparedField | PreparedFragment


def condition_variables(document: DocumentNode) -> tuple[str, ...]:
    """The variables that `@skip(if:)` and `@include(if:)` read anywhere in the document."""
    found: list[str] = []

    def visit(selection_set: SelectionSetNode | None) -> None:
        for selection in selection_set.selections if selection_set else ():
            for directive in selection.directives or ():
                if directive.name.value in ("skip", "include"):
                    for argument in directive.arguments or ():
                        if isinstance(argument.value, VariableNode):
                            found.append(argument.value.name.value)
            visit(getattr(selection, "selection_set", None))

    for definition in document.definitions:
        visit(getattr(definition, "selection_set", None))
    return tuple(dict.fromkeys(found))


def _condition(value: ValueNode, variables: dict[str, Any]) -> bool:
    if isinstance(value, BooleanValueNode):
        return value.value
    if isinstance(value, VariableNode):
        return bool(variables.get(value.name.value))
    return False


def included(directives: tuple[DirectiveNode, ...] | None, variables: dict[str, Any]) -> bool:
    for directive in directives or ():
        arguments = {a.name.value: a.value for a in directive.arguments or ()}
        if directive.name.value == "skip" and _condition(arguments["if"], variables):
            return False
        if directive.name.value == "include" and not _condition(arguments["if"], variables):
            return False
    return True


class _Preparer:
    def __init__(self, document: DocumentNode, variables: dict[str, Any]) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.variables = variables

    def selections(self, selection_set: SelectionSetNode) -> list[PreparedSelection]:
        prepared: list[PreparedSelection] = []
        for selection in selection_set.selections:
            if not included(selection.directives, self.variables):
                continue
            if isinstance(selection, FieldNode):
                prepared.append(
                    PreparedField(
                        key=(selection.alias or selection.name).value,
                        name=selection.name.value,
                        alias=selection.alias.value if selection.alias else None,
                        arguments=tuple(selection.arguments or ()),
                        selections=self.selections(selection.selection_set)
                        if selection.selection_set
                        else None,
                    )
                )
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                prepared.append(
                    PreparedFragment(
                        condition.name.value if condition else None,
                        self.selections(selection.selection_set),
                    )
                )
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments[selection.name.value]
                prepared.append(
                    PreparedFragment(
                        fragment.type_condition.name.value,
                        self.selections(fragment.selection_set),
                    )
                )
        return prepared


def prepare(
    document: DocumentNode, operation: OperationDefinitionNode, variables: dict[str, Any]
) -> list[PreparedSelection]:
    """The operation's root selections, valid for the given `@skip`/`@include` values."""
    return _Preparer(document, variables).selections(operation.selection_set)
