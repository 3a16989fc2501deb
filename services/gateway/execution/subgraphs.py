"""Talking to subgraphs: pooled HTTP for remote ones, a direct call for in-process ones."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp

from services.gateway.execution.credential import GatewayCredential
from services.gateway.execution.event_stream import MOST_EVENT_BYTES, graphql_events
from services.gateway.execution.in_flight import InFlight
from services.gateway.execution.subgraph_calls import (
    BAD_RESPONSE,
    TIMEOUT,
    UNAVAILABLE,
    SubgraphFailure,
)
from services.kernel.auth import Principal
from services.kernel.keepalive import POOL_IDLE_SECONDS

# an in-process subgraph: (query, variables, principal) -> a GraphQL response body
LocalSubgraph = Callable[[str, dict[str, Any], Principal], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class SubgraphEndpoint:
    name: str
    url: str | None  # None: served in-process by `local`
    timeout_seconds: float = 10.0


class Unreachable(Exception):
    """The subgraph could not be reached, or dropped the connection before answering."""


class NotAStream(Exception):
    """The subgraph answered a subscription with a plain response (a refusal, usually)."""

    def __init__(self, status: int, body: bytes) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.body = body


class Transport(Protocol):
    """How the gateway's requests reach remote subgraphs: pooled HTTP, unless one is given
    (the tests route requests to in-process apps)."""

    async def post(
        self, url: str, body: bytes, headers: Mapping[str, str]
    ) -> tuple[int, bytes]: ...  # the status and the body; Unreachable when there is none

    async def get(
        self, url: str, headers: Mapping[str, str]
    ) -> tuple[int, bytes, dict[str, str]]: ...  # and the response's headers

    def stream(
        self, url: str, body: bytes, headers: Mapping[str, str]
    ) -> AsyncIterator[bytes]: ...  # an event stream's lines; NotAStream, Unreachable

    async def close(self) -> None: ...


class PooledHttp:
    """Keep-alive connections shared by every request to every subgraph."""

    def __init__(self, connect_seconds: float = 10.0) -> None:
        self.session: aiohttp.ClientSession | None = None
        self.streams: aiohttp.ClientSession | None = None  # long-lived: kept out of the pool
        self.connect_seconds = connect_seconds

    def _session(self) -> aiohttp.ClientSession:
        if self.session is None:  # made on first use, inside the serving event loop
            connector = aiohttp.TCPConnector(limit=200, keepalive_timeout=POOL_IDLE_SECONDS)
            self.session = aiohttp.ClientSession(
                connector=connector, timeout=aiohttp.ClientTimeout()
            )
        return self.session

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> tuple[int, bytes]:
        try:
            async with self._session().post(url, data=body, headers=headers) as response:
                return response.status, await response.read()
        except aiohttp.ClientError as exc:
            raise Unreachable(str(exc)) from None

    async def get(self, url: str, headers: Mapping[str, str]) -> tuple[int, bytes, dict[str, str]]:
        try:
            async with self._session().get(url, headers=headers) as response:
                return response.status, await response.read(), dict(response.headers)
        except aiohttp.ClientError as exc:
            raise Unreachable(str(exc)) from None

    async def stream(
        self, url: str, body: bytes, headers: Mapping[str, str]
    ) -> AsyncIterator[bytes]:
        if self.streams is None:  # each subscription its own connection, as many as it takes
            self.streams = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0, force_close=True),
                timeout=aiohttp.ClientTimeout(sock_connect=self.connect_seconds),
            )
        try:
            async with self.streams.post(
                url, data=body, headers=headers, read_bufsize=MOST_EVENT_BYTES
            ) as response:
                if response.content_type != "text/event-stream":
                    raise NotAStream(response.status, await response.read())
                async for line in response.content:
                    yield line
        except aiohttp.ClientError as exc:
            raise Unreachable(str(exc)) from None

    async def close(self) -> None:
        for session in (self.session, self.streams):
            if session is not None:
                await session.close()


class SubgraphClients:
    """Pooled HTTP to every remote subgraph; each request bounded by its subgraph's timeout."""

    def __init__(
        self,
        endpoints: Mapping[str, SubgraphEndpoint],
        credential: GatewayCredential,
        transport: Transport | None = None,
    ) -> None:
        self.endpoints = dict(endpoints)
        self.credential = credential
        self.local: dict[str, LocalSubgraph] = {}
        self.http: Transport = transport or PooledHttp()
        self.in_flight: InFlight[tuple[int, bytes]] = InFlight()

    def serve_locally(self, name: str, execute: LocalSubgraph) -> None:
        self.endpoints[name] = SubgraphEndpoint(name, None)
        self.local[name] = execute

    async def close(self) -> None:
        await self.http.close()

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
        """Sends one operation. A read whose connection failed is sent once more, within the
        same time limit: the pooled connection may have been closed just as it was reused, or
        the subgraph restarted. A mutation is never sent twice. A read identical to one
        under way shares its answer (`in_flight`)."""
        endpoint = self.endpoints[subgraph]
        if endpoint.url is None:
            return await self.local[subgraph](query, variables, principal)
        url = endpoint.url
        payload = json.dumps({"query": query, "variables": variables}).encode()
        sent_headers = {**headers, **self.credential.header(), "content-type": "application/json"}

        async def send() -> tuple[int, bytes]:
            async with asyncio.timeout(endpoint.timeout_seconds):
                try:
                    return await self.http.post(url, payload, sent_headers)
                except Unreachable:
                    if not idempotent:
                        raise
                    return await self.http.post(url, payload, sent_headers)

        with _failing_as_subgraph(endpoint):
            if idempotent:
                # the caller's identity, not its trace, makes a read the same
                same = (url, payload, headers.get("authorization"))
                status, content = await self.in_flight.shared(same, send)
            else:
                status, content = await send()
        try:
            body = json.loads(content)
        except ValueError:
            body = None
        if not isinstance(body, dict) or not ("data" in body or "errors" in body):
            raise SubgraphFailure(
                UNAVAILABLE if status >= 500 else BAD_RESPONSE,
                f"subgraph {subgraph} answered HTTP {status} without a GraphQL response",
            )
        return body

    async def subscribe(
        self,
        subgraph: str,
        query: str,
        variables: dict[str, Any],
        headers: Mapping[str, str],
    ) -> AsyncIterator[dict[str, Any]]:
        """A subscription's events, each a GraphQL response, as the subgraph sends them over
        an event stream; a refusal is its one response; a lost stream a SubgraphFailure."""
        endpoint = self.endpoints[subgraph]
        if endpoint.url is None:
            raise SubgraphFailure(UNAVAILABLE, f"subgraph {subgraph} serves no subscriptions")
        payload = json.dumps({"query": query, "variables": variables}).encode()
        sent_headers = {
            **headers,
            **self.credential.header(),
            "content-type": "application/json",
            "accept": "text/event-stream",
        }
        lines = self.http.stream(endpoint.url, payload, sent_headers)
        try:
            with _failing_as_subgraph(endpoint):
                async for event in graphql_events(lines, subgraph):
                    yield event
        except NotAStream as plain:
            yield _refusal(subgraph, plain)
        finally:
            await lines.aclose()  # type: ignore[attr-defined]

    async def document(
        self, subgraph: str, path: str, headers: Mapping[str, str]
    ) -> tuple[int, bytes, dict[str, str]]:
        """A document the subgraph serves beside its /graphql, at `path` on its origin."""
        endpoint = self.endpoints[subgraph]
        if endpoint.url is None or not endpoint.url.endswith("/graphql"):
            raise SubgraphFailure(UNAVAILABLE, f"subgraph {subgraph} serves no documents")
        url = endpoint.url.removesuffix("/graphql") + path
        with _failing_as_subgraph(endpoint):
            async with asyncio.timeout(endpoint.timeout_seconds):
                return await self.http.get(url, {**headers, **self.credential.header()})

    async def sdl(self, subgraph: str, headers: Mapping[str, str], principal: Principal) -> str:
        body = await self.request(
            subgraph, "{ _service { sdl } }", {}, headers, principal, idempotent=True
        )
        try:
            sdl: str = body["data"]["_service"]["sdl"]
        except (KeyError, TypeError):
            raise SubgraphFailure(
                BAD_RESPONSE, f"subgraph {subgraph} did not return its schema: {body.get('errors')}"
            ) from None
        return sdl


def _refusal(subgraph: str, plain: NotAStream) -> dict[str, Any]:
    try:
        body = json.loads(plain.body)
    except ValueError:
        body = None
    if not isinstance(body, dict) or "errors" not in body:
        raise SubgraphFailure(
            UNAVAILABLE if plain.status >= 500 else BAD_RESPONSE,
            f"subgraph {subgraph} answered a subscription with HTTP {plain.status}",
        )
    return body


@contextlib.contextmanager
def _failing_as_subgraph(endpoint: SubgraphEndpoint) -> Iterator[None]:
    """A subgraph that did not answer in time, or could not be reached, as the gateway's
    failure naming it."""
    try:
        yield
    except TimeoutError:
        raise SubgraphFailure(
            TIMEOUT,
            f"subgraph {endpoint.name} did not answer within {endpoint.timeout_seconds:g} s",
        ) from None
    except Unreachable:
        raise SubgraphFailure(UNAVAILABLE, f"subgraph {endpoint.name} is unavailable") from None
