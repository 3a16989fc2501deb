"""GraphQL over WebSocket, the `graphql-transport-ws` protocol: one connection carries many
operations. The token comes in `connection_init`'s payload (`Authorization: Bearer ...`),
since a browser cannot set headers on a WebSocket; each operation is checked as a request
over HTTP would be, and held within the same subscription limits."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from collections.abc import Callable
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from services.gateway.engine import RequestError
from services.gateway.live.feeds import Feeds, identity
from services.gateway.supergraph_keeper import SupergraphKeeper
from services.kernel import errors
from services.kernel.auth import Principal

log = logging.getLogger(__name__)

PROTOCOL = "graphql-transport-ws"
INIT_SECONDS = 10.0
MOST_MESSAGE_BYTES = 256 * 1024  # as a request over HTTP
MOST_OPERATIONS = 32  # under way on one connection (subscriptions are bounded per client too)


class _Closed(Exception):
    """The connection is closed with this code and reason, as the protocol says."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class _Connection:
    def __init__(self, socket: WebSocket, server: TransportWs, client: str) -> None:
        self.socket = socket
        self.server = server
        self.client = client
        self.principal: Principal | None = None
        self.authorization: str | None = None
        self.operations: dict[str, asyncio.Task[None]] = {}
        self.sending = asyncio.Lock()

    async def send(self, message: dict[str, Any]) -> None:
        async with self.sending:
            await self.socket.send_text(json.dumps(message, separators=(",", ":")))

    async def serve(self) -> None:
        async with asyncio.timeout(INIT_SECONDS) as init:
            while self.principal is None:
                await self._receive()
            init.reschedule(None)
        while True:
            await self._receive()

    async def _receive(self) -> None:
        text = await self.socket.receive_text()
        if len(text) > MOST_MESSAGE_BYTES:
            raise _Closed(4400, f"a message may hold {MOST_MESSAGE_BYTES} bytes")
        try:
            message = json.loads(text)
        except ValueError:
            raise _Closed(4400, "a message must be JSON") from None
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "connection_init":
            await self._initialise(message.get("payload"))
        elif kind == "ping":
            await self.send({"type": "pong"})
        elif kind == "pong":
            pass
        elif kind == "subscribe":
            self._subscribe(message)
        elif kind == "complete":
            task = self.operations.pop(str(message.get("id")), None)
            if task is not None:
                task.cancel()
        else:
            raise _Closed(4400, f"unknown message type {kind!r}")

    async def _initialise(self, payload: Any) -> None:
        if self.principal is not None:
            raise _Closed(4429, "Too many initialisation requests")
        header = None
        if isinstance(payload, dict):
            found = payload.get("Authorization", payload.get("authorization"))
            header = found if isinstance(found, str) else None
        try:
            self.principal = self.server.principal_of(header)
        except errors.Unauthenticated as exc:
            raise _Closed(4403, exc.message) from None
        self.authorization = header
        await self.send({"type": "connection_ack"})

    def _subscribe(self, message: dict[str, Any]) -> None:
        if self.principal is None:
            raise _Closed(4401, "Unauthorized")
        operation_id = message.get("id")
        payload = message.get("payload")
        if not isinstance(operation_id, str) or not isinstance(payload, dict):
            raise _Closed(4400, "subscribe needs an id and a payload")
        if operation_id in self.operations:
            raise _Closed(4409, f"Subscriber for {operation_id} already exists")
        if len(self.operations) >= MOST_OPERATIONS:
            raise _Closed(4400, f"a connection may run {MOST_OPERATIONS} operations at once")
        task = asyncio.create_task(self._operation(operation_id, payload))
        self.operations[operation_id] = task
        task.add_done_callback(lambda _: self._forget(operation_id, task))

    def _forget(self, operation_id: str, task: asyncio.Task[None]) -> None:
        if self.operations.get(operation_id) is task:
            del self.operations[operation_id]

    async def _operation(self, operation_id: str, payload: dict[str, Any]) -> None:
        assert self.principal is not None
        try:
            await self._run(operation_id, payload, self.principal)
        except RequestError as refused:
            await self.send({"id": operation_id, "type": "error", "payload": refused.errors})
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("gateway: an operation over WebSocket failed")
            failed = [{"message": "Internal server error",
                       "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]  # fmt: skip
            await self.send({"id": operation_id, "type": "error", "payload": failed})

    async def _run(self, operation_id: str, payload: dict[str, Any], principal: Principal) -> None:
        if principal.expires_at is not None and principal.expires_at <= time.time():
            expired = _error("the token expired: connect again with a new one", "UNAUTHENTICATED")
            raise RequestError([expired], 401)
        query, name, variables = _request(payload)
        engine = self.server.keeper.engine
        if engine is None:
            raise RequestError([_error("the supergraph is not composed yet",
                                       "SUPERGRAPH_UNAVAILABLE")], 503)  # fmt: skip
        headers = {"x-request-id": secrets.token_hex(16)}
        if self.authorization:
            headers["authorization"] = self.authorization
        prepared = engine.prepare(query, name, variables, principal)
        if prepared.kind != "subscription":
            answer = await engine.run(prepared, headers, principal)
            await self.send({"id": operation_id, "type": "next", "payload": answer.body})
        else:
            same = identity(query, name, variables, self.authorization)
            holder = self.client if principal.is_anonymous else f"subject:{principal.subject}"
            async with self.server.feeds.subscribe(
                engine, prepared, same, headers, principal, holder
            ) as subscriber:
                async for body in subscriber.events():
                    await self.send({"id": operation_id, "type": "next", "payload": body})
        await self.send({"id": operation_id, "type": "complete"})

    async def close(self) -> None:
        for task in list(self.operations.values()):
            task.cancel()
        for task in list(self.operations.values()):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def _error(message: str, code: str, **extensions: Any) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": code, **extensions}}


def _request(payload: dict[str, Any]) -> tuple[str, str | None, dict[str, Any]]:
    query, name, variables = (
        payload.get("query"), payload.get("operationName"), payload.get("variables") or {}
    )  # fmt: skip
    for field, value, kind in (
        ("query", query, str), ("operationName", name, (str, type(None))),
        ("variables", variables, dict),
    ):  # fmt: skip
        if not isinstance(value, kind):
            raise RequestError([_error(f"{field} has the wrong type", "BAD_REQUEST", field=field)])
    return query, name, variables  # type: ignore[return-value]


class TransportWs:
    def __init__(
        self,
        keeper: SupergraphKeeper,
        feeds: Feeds,
        principal_of: Callable[[str | None], Principal],
    ) -> None:
        self.keeper = keeper
        self.feeds = feeds
        self.principal_of = principal_of

    async def __call__(self, socket: WebSocket) -> None:
        if PROTOCOL not in socket.scope.get("subprotocols", []):
            await socket.close(4406, "Subprotocol not acceptable")
            return
        await socket.accept(subprotocol=PROTOCOL)
        client = f"address:{socket.client.host if socket.client else ''}"
        connection = _Connection(socket, self, client)
        try:
            await connection.serve()
        except TimeoutError:
            await _close(socket, 4408, "Connection initialisation timeout")
        except _Closed as closed:
            await _close(socket, closed.code, closed.reason)
        except WebSocketDisconnect:
            pass
        finally:
            await connection.close()


async def _close(socket: WebSocket, code: int, reason: str) -> None:
    with contextlib.suppress(Exception):
        await socket.close(code, reason)
