"""Talking to subgraphs: pooled HTTP for remote ones, a direct call for in-process ones."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from services.kernel.auth import Principal

# an in-process subgraph: (query, variables, principal) -> a GraphQL response body
LocalSubgraph = Callable[[str, dict[str, Any], Principal], Awaitable[dict[str, Any]]]

UNAVAILABLE = "SUBGRAPH_UNAVAILABLE"
TIMEOUT = "SUBGRAPH_TIMEOUT"
BAD_RESPONSE = "SUBGRAPH_BAD_RESPONSE"


class SubgraphFailure(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class SubgraphEndpoint:
    name: str
    url: str | None  # None: served in-process by `local`
    timeout_seconds: float = 10.0


class SubgraphClients:
    """One pooled HTTP client for every remote subgraph; each request has its timeout."""

    def __init__(
        self,
        endpoints: Mapping[str, SubgraphEndpoint],
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.endpoints = dict(endpoints)
        self.local: dict[str, LocalSubgraph] = {}
        self.http = httpx.AsyncClient(
            transport=transport,
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
            timeout=None,  # each request is bounded by its subgraph's timeout below
        )

    def serve_locally(self, name: str, execute: LocalSubgraph) -> None:
        self.endpoints[name] = SubgraphEndpoint(name, None)
        self.local[name] = execute

    async def close(self) -> None:
        await self.http.aclose()

    async def request(
        self,
        subgraph: str,
        query: str,
        variables: dict[str, Any],
        headers: Mapping[str, str],
        principal: Principal,
    ) -> dict[str, Any]:
        endpoint = self.endpoints[subgraph]
        if endpoint.url is None:
            return await self.local[subgraph](query, variables, principal)
        try:
            async with asyncio.timeout(endpoint.timeout_seconds):
                response = await self.http.post(
                    endpoint.url,
                    content=json.dumps({"query": query, "variables": variables}),
                    headers={**headers, "content-type": "application/json"},
                )
        except TimeoutError:
            raise SubgraphFailure(
                TIMEOUT,
                f"subgraph {subgraph} did not answer within {endpoint.timeout_seconds:g} s",
            ) from None
        except httpx.HTTPError:
            raise SubgraphFailure(UNAVAILABLE, f"subgraph {subgraph} is unavailable") from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not ("data" in body or "errors" in body):
            raise SubgraphFailure(
                UNAVAILABLE if response.status_code >= 500 else BAD_RESPONSE,
                f"subgraph {subgraph} answered HTTP {response.status_code} "
                "without a GraphQL response",
            )
        return body

    async def sdl(self, subgraph: str, headers: Mapping[str, str], principal: Principal) -> str:
        body = await self.request(subgraph, "{ _service { sdl } }", {}, headers, principal)
        try:
            sdl: str = body["data"]["_service"]["sdl"]
        except (KeyError, TypeError):
            raise SubgraphFailure(
                BAD_RESPONSE, f"subgraph {subgraph} did not return its schema: {body.get('errors')}"
            ) from None
        return sdl
