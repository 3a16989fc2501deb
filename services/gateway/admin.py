"""The gateway's own small subgraph, served in-process and composed like the others:
admins read the supergraph's state and ask for a recomposition."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry.types import Info

from services.gateway.execution.subgraphs import LocalSubgraph
from services.gateway.supergraph_keeper import CompositionFailed, SupergraphKeeper
from services.kernel import errors
from services.kernel.auth import Principal, Role
from services.kernel.graphql import RequestContext, SubgraphSchema

NAME = "gateway"


@dataclass
class GatewayContext(RequestContext):
    keeper: SupergraphKeeper | None = None


@strawberry.type
class SupergraphStatus:
    digest: str | None
    composed_at: str | None
    subgraphs: list[str]
    attempts: int
    last_error: str | None
    hints: list[str]

    @classmethod
    def of(cls, keeper: SupergraphKeeper) -> SupergraphStatus:
        state = keeper.state
        composed_at = (
            datetime.datetime.fromtimestamp(state.composed_at, datetime.UTC).isoformat()
            if state.composed_at
            else None
        )
        return cls(
            digest=state.digest,
            composed_at=composed_at,
            subgraphs=list(keeper.clients.endpoints),
            attempts=state.attempts,
            last_error=state.last_error,
            hints=state.hints,
        )


def _keeper(info: Info[GatewayContext, None]) -> SupergraphKeeper:
    info.context.principal.require_role(Role.ADMIN)
    assert info.context.keeper is not None
    return info.context.keeper


@strawberry.type
class Query:
    @strawberry.field(
        description="The composed supergraph and the last composition attempt (admins)."
    )
    def supergraph(self, info: Info[GatewayContext, None]) -> SupergraphStatus:
        return SupergraphStatus.of(_keeper(info))


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Composes the supergraph again from the subgraphs' current schemas (admins); "
        "on failure the last good one keeps serving and the error is returned."
    )
    async def recompose_supergraph(self, info: Info[GatewayContext, None]) -> SupergraphStatus:
        keeper = _keeper(info)
        try:
            await keeper.recompose()
        except CompositionFailed as exc:
            raise errors.Conflict(f"the supergraph was not recomposed: {exc}") from None
        return SupergraphStatus.of(keeper)


schema = SubgraphSchema(query=Query, mutation=Mutation)


def local_subgraph(keeper: SupergraphKeeper) -> LocalSubgraph:
    """The in-process subgraph the executor calls for the gateway's own fields."""

    async def execute(
        query: str, variables: dict[str, Any], principal: Principal
    ) -> dict[str, Any]:
        context = GatewayContext(principal=principal, keeper=keeper)
        result = await schema.execute(query, variable_values=variables, context_value=context)
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [e.formatted for e in result.errors]
        return body

    return execute


def sdl() -> str:
    return schema.as_str()
