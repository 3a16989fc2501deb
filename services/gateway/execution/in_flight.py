"""Identical reads under way at once share one subgraph request.

A read is identical when it goes to the same subgraph with the same document, the same
variables and the same caller's credentials: the subgraph would answer each the same. (The
shared request carries the first caller's trace headers.) The first is
sent; those that arrive while it is under way wait for its answer instead of sending their
own. Each caller gets the raw answer and reads it for itself, so no two responses share
state. Mutations are never shared.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class InFlight(Generic[T]):
    def __init__(self) -> None:
        self._running: dict[Hashable, asyncio.Task[T]] = {}
        self.shared_total = 0  # requests answered by another's subgraph request

    async def shared(self, key: Hashable, send: Callable[[], Awaitable[T]]) -> T:
        """The answer of the request under way for `key`, or of `send()` when there is none.
        A caller that gives up (its own time limit, say) leaves the request to the others."""
        running = self._running.get(key)
        if running is None:
            running = asyncio.ensure_future(send())
            self._running[key] = running
            running.add_done_callback(lambda done: self._finished(key, done))
        else:
            self.shared_total += 1
        return await asyncio.shield(running)

    def _finished(self, key: Hashable, done: asyncio.Task[T]) -> None:
        if self._running.get(key) is done:
            del self._running[key]
        if not done.cancelled():
            done.exception()  # retrieved here, when every caller gave up on it
