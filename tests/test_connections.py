"""A served process under connections written to exhaust it: sockets that send nothing, or
headers a byte at a time, are closed after the header timeout; a client past its share of
connections is turned away at once; ordinary requests go on being answered; and a failure
repeated in a burst is logged once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import httpx
import uvicorn
import websockets
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from services.stack.connections import (
    ConnectionGuard,
    ConnectionLimits,
    OncePerBurst,
    guarded_protocol,
)


async def _hello(_):
    return PlainTextResponse("hello")


async def _echo(socket: WebSocket) -> None:
    await socket.accept()
    with contextlib.suppress(WebSocketDisconnect):
        while True:
            await socket.send_text(await socket.receive_text())


@contextlib.asynccontextmanager
async def served(guard: ConnectionGuard) -> AsyncIterator[int]:
    app = Starlette(routes=[Route("/", _hello), WebSocketRoute("/echo", _echo)])
    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="error",
                            http=guarded_protocol(guard))  # fmt: skip
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes no start event
        await asyncio.sleep(0.01)
    [socket] = server.servers[0].sockets
    try:
        yield socket.getsockname()[1]
    finally:
        server.should_exit = True
        await task


async def closed_within(reader: asyncio.StreamReader, seconds: float) -> bool:
    try:
        return await asyncio.wait_for(reader.read(1), seconds) == b""
    except ConnectionError:  # closed while the client wrote
        return True
    except TimeoutError:
        return False


async def test_idle_and_trickling_connections_are_closed_and_requests_go_on():
    guard = ConnectionGuard(ConnectionLimits(header_seconds=0.5, per_client=50))
    async with served(guard) as port:
        idle = [await asyncio.open_connection("127.0.0.1", port) for _ in range(10)]
        trickling_reader, trickling = await asyncio.open_connection("127.0.0.1", port)
        with contextlib.suppress(ConnectionError):  # closed while it trickles
            for byte in b"GET / HTTP/1.1\r\nHost: x\r\n":
                trickling.write(bytes([byte]))
                await trickling.drain()
                await asyncio.sleep(0.03)
        async with httpx.AsyncClient() as client:
            answered = await client.get(f"http://127.0.0.1:{port}/")
        closed = [await closed_within(reader, 3) for reader, _ in idle]
        trickle_closed = await closed_within(trickling_reader, 3)

    assert answered.text == "hello"
    assert closed == [True] * 10
    assert trickle_closed
    assert guard.timed_out_total == 11
    assert guard.held.total() == 0


async def test_a_client_past_its_share_of_connections_is_turned_away_at_once():
    guard = ConnectionGuard(ConnectionLimits(header_seconds=30, per_client=5))
    async with served(guard) as port:
        held = [await asyncio.open_connection("127.0.0.1", port) for _ in range(5)]
        extra = [await asyncio.open_connection("127.0.0.1", port) for _ in range(3)]
        turned_away = [await closed_within(reader, 2) for reader, _ in extra]
        for _, writer in held[:1]:
            writer.close()
        await asyncio.sleep(0.1)
        async with httpx.AsyncClient() as client:
            answered = await client.get(f"http://127.0.0.1:{port}/")
        for _, writer in held[1:]:
            writer.close()

    assert turned_away == [True] * 3
    assert guard.refused_total == 3
    assert answered.text == "hello"


async def test_an_idle_keep_alive_connection_outlives_the_header_timeout():
    guard = ConnectionGuard(ConnectionLimits(header_seconds=0.3, per_client=50))
    async with served(guard) as port, httpx.AsyncClient() as client:
        first = await client.get(f"http://127.0.0.1:{port}/")
        await asyncio.sleep(1.0)  # idle between requests, as a pool's connection is
        second = await client.get(f"http://127.0.0.1:{port}/")

    assert (first.text, second.text) == ("hello", "hello")
    assert guard.timed_out_total == 0


def test_a_failure_repeated_in_a_burst_is_logged_once_then_counted():
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    handler = Keep()
    burst = OncePerBurst(window=0.2)
    handler.addFilter(burst)
    logger = logging.getLogger("tests.burst")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        for n in range(1_000):
            logger.error("accept failed: %s", n)
        burst.seen = {k: (since - 1.0, held) for k, (since, held) in burst.seen.items()}
        logger.error("accept failed: %s", "again")
    finally:
        logger.removeHandler(handler)

    assert seen == [
        "accept failed: 0",
        "accept failed: again (and 999 more like it in the last 0.2 s)",
    ]


async def test_a_websocket_outlives_the_header_timeout_and_gives_its_place_back_when_closed():
    guard = ConnectionGuard(ConnectionLimits(header_seconds=0.3, per_client=50))
    async with served(guard) as port:
        async with websockets.connect(f"ws://127.0.0.1:{port}/echo") as socket:
            assert guard.held.total() == 1
            await asyncio.sleep(1.0)  # quiet, as a subscription between events is
            await socket.send("still here")
            echoed = await socket.recv()
        await asyncio.sleep(0.1)

    assert echoed == "still here"
    assert guard.timed_out_total == 0
    assert guard.held.total() == 0
