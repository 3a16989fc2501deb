"""Running a query plan: each step's fetches in parallel, results merged by path.

Entity fetches collect the objects at their path from what earlier steps returned, send each
distinct representation once, and merge every returned entity into each object it came from.
Subgraph errors are moved to the paths they belong to in the client's response; a subgraph
that fails or times out leaves its fields null with an error on each, never a failed request.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLSchema, execute, parse

from services.gateway.execution.subgraph_calls import SubgraphCaller, SubgraphFailure
from services.gateway.planning.query_plan import (
    INTROSPECTION,
    EntityPart,
    Fetch,
    QueryPlan,
    Renames,
    RepresentationShape,
)
from services.kernel import tracing
from services.kernel.auth import Principal

Path = list[str | int]


def merge(target: dict[str, Any], source: dict[str, Any]) -> None:
    for key, value in source.items():
        existing = target.get(key)
        if isinstance(existing, dict) and isinstance(value, dict):
            merge(existing, value)
        elif isinstance(existing, list) and isinstance(value, list) and len(existing) == len(value):
            for index, (old, new) in enumerate(zip(existing, value, strict=True)):
                if isinstance(old, dict) and isinstance(new, dict):
                    merge(old, new)
                else:
                    existing[index] = new
        else:
            target[key] = value


def renamed(value: Any, renames: Renames) -> Any:
    """The response with the keys a subgraph operation aliased put back."""
    if not renames or value is None:
        return value
    if isinstance(value, list):
        return [renamed(item, renames) for item in value]
    if not isinstance(value, dict):
        return value
    result: dict[str, Any] = {}
    for key, item in value.items():
        original, below = renames.get(key, (key, {}))
        item = renamed(item, below)
        if isinstance(result.get(original), dict) and isinstance(item, dict):
            merge(result[original], item)
        else:
            result[original] = item
    return result


def _objects_at(
    data: dict[str, Any], path: tuple[str, ...], types: frozenset[str]
) -> list[tuple[dict[str, Any], Path]]:
    found: list[tuple[Any, Path]] = [(data, [])]
    for step in path:
        following: list[tuple[Any, Path]] = []
        for value, where in found:
            if step == "@":
                if isinstance(value, list):
                    following += [(item, [*where, i]) for i, item in enumerate(value)]
            elif isinstance(value, dict) and value.get(step) is not None:
                following.append((value[step], [*where, step]))
        found = following
    return [(v, p) for v, p in found if isinstance(v, dict) and v.get("__typename") in types]


def _project(value: Any, shape: RepresentationShape | None) -> Any:
    if shape is None or value is None:
        return value
    if isinstance(value, list):
        return [_project(item, shape) for item in value]
    projected: dict[str, Any] = {}
    for name, key, nested, only in shape:
        if only is not None and value.get("__typename") not in only:
            continue
        if key not in value:
            raise KeyError(key)
        if name in projected and isinstance(projected[name], dict):
            merge(projected[name], _project(value[key], nested))
        else:
            projected[name] = _project(value[key], nested)
    return projected


@dataclass
class _Batch:
    """One entity part's distinct representations and the objects each stands for."""

    part: EntityPart
    representations: list[dict[str, Any]] = field(default_factory=list)
    targets: list[list[tuple[dict[str, Any], Path]]] = field(default_factory=list)

    @classmethod
    def collect(cls, part: EntityPart, data: dict[str, Any]) -> _Batch:
        batch = cls(part)
        index: dict[str, int] = {}
        for target, where in _objects_at(data, part.path, part.types):
            type_name = target["__typename"]
            try:
                representation = {
                    "__typename": part.sent_as.get(type_name, type_name),
                    **_project(target, part.shapes[type_name]),
                }
            except KeyError:
                continue  # its keys are missing: the fetch that had to provide them failed
            identity = json.dumps(representation, sort_keys=True)
            if identity not in index:
                index[identity] = len(batch.representations)
                batch.representations.append(representation)
                batch.targets.append([])
            batch.targets[index[identity]].append((target, where))
        return batch


class Execution:
    """One request's run of a plan."""

    def __init__(
        self,
        clients: SubgraphCaller,
        api_schema: GraphQLSchema,
        variables: dict[str, Any],
        headers: Mapping[str, str],
        principal: Principal,
    ) -> None:
        self.clients = clients
        self.api_schema = api_schema
        self.variables = variables
        self.headers = headers
        self.principal = principal
        self.data: dict[str, Any] = {}
        self.errors: list[dict[str, Any]] = []
        self.requests: dict[str, int] = {}

    async def run(self, plan: QueryPlan) -> None:
        await self._run(plan.steps)

    async def run_from(self, plan: QueryPlan, first: dict[str, Any]) -> None:
        """The plan's steps after its first, a subscription's: `first` is one of its events."""
        self._take(plan.steps[0][0], [], (), first)
        await self._run(plan.steps[1:])

    async def _run(self, steps: list[list[Fetch]]) -> None:
        for step in steps:
            if len(step) == 1:
                await self._fetch(step[0])
            else:
                await asyncio.gather(*(self._fetch(fetch) for fetch in step))

    async def _fetch(self, fetch: Fetch) -> None:
        batches = [_Batch.collect(part, self.data) for part in fetch.entities]
        wanted = tuple(i for i, b in enumerate(batches) if b.representations)
        if fetch.root is None and not wanted:
            return  # nothing at those paths to fetch for
        variables = {
            v: self.variables[v] for v in fetch.variable_definitions if v in self.variables
        }
        for i in wanted:
            variables[f"r{i}"] = batches[i].representations
        if fetch.subgraph != INTROSPECTION:
            self.requests[fetch.subgraph] = self.requests.get(fetch.subgraph, 0) + 1
        try:
            body = await self._request(fetch, fetch.document(wanted), variables)
        except SubgraphFailure as failure:
            self._fail(fetch, [batches[i] for i in wanted], failure)
            return
        self._take(fetch, batches, wanted, body)

    def _take(
        self, fetch: Fetch, batches: list[_Batch], wanted: tuple[int, ...], body: dict[str, Any]
    ) -> None:
        """A fetch's response merged into the data, its errors moved to where they belong."""
        data = body.get("data") or {}
        if fetch.root is not None:
            root = {k: v for k, v in data.items() if not k.startswith("_e")}
            merge(self.data, renamed(root, fetch.root.renames))
        for i in wanted:
            entities = data.get(f"_e{i}") or []
            for entity, targets in zip(entities, batches[i].targets, strict=False):
                if isinstance(entity, dict):
                    entity = renamed(entity, fetch.entities[i].renames)
                    for target, _ in targets:
                        merge(target, entity)
        for error in body.get("errors") or ():
            self._repath(fetch, batches, error)

    async def _request(
        self, fetch: Fetch, document: str, variables: dict[str, Any]
    ) -> dict[str, Any]:
        if fetch.subgraph != INTROSPECTION:
            with tracing.span(f"fetch {fetch.subgraph}", kind=tracing.SpanKind.CLIENT):
                return await self.clients.request(
                    fetch.subgraph,
                    document,
                    variables,
                    {**self.headers, **tracing.carried()},  # this fetch's span, if recorded
                    self.principal,
                    idempotent=fetch.kind == "query",
                )
        if fetch.parsed is None:
            fetch.parsed = parse(document)
        result = execute(self.api_schema, fetch.parsed, variable_values=variables)
        return {"data": result.data, "errors": [e.formatted for e in result.errors or ()]}  # type: ignore[union-attr]

    def _repath(self, fetch: Fetch, batches: list[_Batch], error: dict[str, Any]) -> None:
        error = {k: v for k, v in error.items() if k not in ("locations",)}
        path = error.get("path") or []
        if path and isinstance(path[0], str) and path[0].startswith("_e"):
            batch = batches[int(path[0][2:])]
            position = path[1] if len(path) > 1 and isinstance(path[1], int) else None
            if position is not None and position < len(batch.targets):
                for _, where in batch.targets[position]:
                    self.errors.append({**error, "path": [*where, *path[2:]]})
                return
            self._on_fields((), [batch], error)
        elif path:
            self.errors.append(error)
        else:  # an error about the whole subgraph request
            self._on_fields(fetch.root.field_keys if fetch.root else (), batches, error)

    def _fail(self, fetch: Fetch, batches: list[_Batch], failure: SubgraphFailure) -> None:
        error = {
            "message": failure.message,
            "extensions": {"code": failure.code, "service": fetch.subgraph},
        }
        self._on_fields(fetch.root.field_keys if fetch.root else (), batches, error)

    def _on_fields(
        self, root_keys: tuple[str, ...], batches: list[_Batch], error: dict[str, Any]
    ) -> None:
        """The error on every field the fetch was to fill."""
        self.errors += [{**error, "path": [key]} for key in root_keys]
        for batch in batches:
            for targets in batch.targets:
                for target, where in targets:
                    for key in batch.part.field_keys[target["__typename"]]:
                        if key != "__typename":
                            self.errors.append({**error, "path": [*where, key]})
