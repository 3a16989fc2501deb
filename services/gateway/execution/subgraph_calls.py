"""What running a plan needs of whatever carries its fetches to the subgraphs: a call that
answers with a GraphQL response body, or fails with one of a few codes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from services.kernel.auth import Principal

UNAVAILABLE = "SUBGRAPH_UNAVAILABLE"
TIMEOUT = "SUBGRAPH_TIMEOUT"
BAD_RESPONSE = "SUBGRAPH_BAD_RESPONSE"


class SubgraphFailure(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class SubgraphCaller(Protocol):
    async def request(
        self,
        subgraph: str,
        query: str,
        variables: dict[str, Any],
        headers: Mapping[str, str],
        principal: Principal,
        *,
        idempotent: bool = False,
    ) -> dict[str, Any]:
        """One operation's response body; raises SubgraphFailure when there is none."""
        ...
