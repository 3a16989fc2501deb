"""The selection set of one subgraph operation, as planning assembles it, and its text.

Fields of one response key merge. Where fragments on different types select one response
key with different types (`id: ID!` on one, `id: ID` on another), a subgraph would refuse
the operation (its fields could not be merged), so the later one is sent under an alias
of its own; the renames say which keys to put back when the response comes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import ArgumentNode, print_ast

from services.gateway.planning.query_plan import Renames


@dataclass
class FetchSelection:
    fields: dict[str, FetchField] = field(default_factory=dict)
    fragments: dict[str, FetchSelection] = field(default_factory=dict)

    def field(
        self,
        key: str,
        name: str,
        arguments: tuple[ArgumentNode, ...],
        composite: bool,
        type_text: str | None = None,
    ) -> FetchField:
        found = self.fields.get(key)
        if found is None:
            found = self.fields[key] = FetchField(
                key, name, arguments, FetchSelection() if composite else None, type_text
            )
        return found

    def fragment(self, type_name: str) -> FetchSelection:
        return self.fragments.setdefault(type_name, FetchSelection())

    @property
    def empty(self) -> bool:
        return not self.fields and all(f.empty for f in self.fragments.values())

    def render(self) -> tuple[str, Renames]:
        """`{ ... }` and the keys to rename in what comes back."""
        renames: Renames = {}
        parts = self._parts({}, renames, None)
        return "{ " + " ".join(parts or ["__typename"]) + " }", renames

    def _parts(self, seen: dict[str, str | None], renames: Renames, on: str | None) -> list[str]:
        parts = []
        for placed in self.fields.values():
            known = seen.get(placed.key, placed.type_text)
            sent = placed.key
            if (
                on is not None
                and None not in (known, placed.type_text)
                and (known != placed.type_text)
            ):
                sent = f"{placed.key}__{on}"
            else:
                seen.setdefault(placed.key, placed.type_text)
            text, inner = placed.render(sent)
            parts.append(text)
            if sent != placed.key or inner:
                _merge_renames(renames, {sent: (placed.key, inner)})
        for type_name, fragment in self.fragments.items():
            if not fragment.empty:
                inner_parts = fragment._parts(seen, renames, type_name)
                parts.append(f"... on {type_name} {{ {' '.join(inner_parts)} }}")
        return parts


@dataclass
class FetchField:
    key: str  # the response key the client's selection (or the planner) gave it
    name: str
    arguments: tuple[ArgumentNode, ...]
    selections: FetchSelection | None
    type_text: str | None = None  # its type in the subgraph, when known

    @property
    def empty(self) -> bool:
        return False

    def render(self, sent_as: str) -> tuple[str, Renames]:
        text = f"{sent_as}: {self.name}" if sent_as != self.name else self.name
        if self.arguments:
            printed = ", ".join(f"{a.name.value}: {print_ast(a.value)}" for a in self.arguments)
            text += f"({printed})"
        if self.selections is None:
            return text, {}
        below, renames = self.selections.render()
        return f"{text} {below}", renames


def _merge_renames(into: Renames, more: Renames) -> None:
    for key, (original, inner) in more.items():
        if key in into:
            _merge_renames(into[key][1], inner)
        else:
            into[key] = (original, dict(inner))
