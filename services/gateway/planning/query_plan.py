"""A query plan: a sequence of steps, each a set of fetches that run in parallel.

A step makes at most one request per subgraph: everything it needs from one subgraph
(root fields, and one batched `_entities` call per place in the response) is one operation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import DocumentNode

# a representation's fields: (field name, response key it is read from, nested fields, the
# __typenames it is sent for when under a fragment, else None)
RepresentationShape = tuple[
    tuple[str, str, "RepresentationShape | None", frozenset[str] | None], ...
]

INTROSPECTION = "#introspection"

# response keys a subgraph operation sent under an alias of their own: the key in the
# response -> (the key the planner gave it, the renames below it)
Renames = dict[str, tuple[str, "Renames"]]


@dataclass(frozen=True)
class RootPart:
    selection: str  # the root selections, printed
    field_keys: tuple[str, ...]
    renames: Renames = field(default_factory=dict)


@dataclass(frozen=True)
class EntityPart:
    """Entities found at `path` (`@` steps into list items), fetched with one `_entities`."""

    path: tuple[str, ...]
    shapes: dict[str, RepresentationShape]  # per __typename: what its representation holds
    selection: str  # `... on Region { campaigns { id } }`, printed
    field_keys: dict[str, tuple[str, ...]]  # per __typename: the response keys it fills
    # per __typename, where the representation names another type (an @interfaceObject)
    sent_as: dict[str, str] = field(default_factory=dict)
    renames: Renames = field(default_factory=dict)

    @property
    def types(self) -> frozenset[str]:
        return frozenset(self.shapes)


@dataclass
class Fetch:
    subgraph: str
    kind: str  # query or mutation
    name: str | None
    variable_definitions: dict[str, str]  # name -> "$name: Type = default"
    root: RootPart | None = None
    entities: list[EntityPart] = field(default_factory=list)
    _documents: dict[tuple[int, ...], str] = field(default_factory=dict, repr=False)
    parsed: DocumentNode | None = field(default=None, repr=False)

    def document(self, entity_indexes: tuple[int, ...]) -> str:
        """The operation text for the root part and these entity parts (cached)."""
        text = self._documents.get(entity_indexes)
        if text is None:
            text = self._documents[entity_indexes] = self._render(entity_indexes)
        return text

    def _render(self, entity_indexes: tuple[int, ...]) -> str:
        definitions = [f"$r{i}: [_Any!]!" for i in entity_indexes]
        definitions += self.variable_definitions.values()
        body = [self.root.selection] if self.root else []
        body += [
            f"_e{i}: _entities(representations: $r{i}) {{ {self.entities[i].selection} }}"
            for i in entity_indexes
        ]
        head = self.kind + (f" {self.name}" if self.name else "")
        if definitions:
            head += f"({', '.join(definitions)})"
        return f"{head} {{ {' '.join(body)} }}"

    def describe(self) -> dict[str, Any]:
        node: dict[str, Any] = {
            "kind": "Fetch",
            "service": self.subgraph,
            "operation": self.document(tuple(range(len(self.entities)))),
        }
        if self.entities:
            node["flatten"] = [".".join(part.path) for part in self.entities]
        return node


@dataclass
class QueryPlan:
    steps: list[list[Fetch]]

    def describe(self) -> dict[str, Any]:
        """The plan in the shape routers print: Sequence of Parallel steps of Fetches."""
        nodes = []
        for step in self.steps:
            fetches = [fetch.describe() for fetch in step]
            nodes.append(
                fetches[0] if len(fetches) == 1 else {"kind": "Parallel", "nodes": fetches}
            )
        return {"kind": "Sequence", "nodes": nodes}
