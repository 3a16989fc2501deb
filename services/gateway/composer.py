"""Keeping a composed supergraph: composing at start, on demand and on a timer.

A new composition replaces the engine only when it succeeds; when a subgraph is down or
the subgraphs conflict, the last good supergraph keeps serving and the failure is kept
for `/readyz` and the admin query to show.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

from services.gateway.composition import CompositionError, compose
from services.gateway.engine import Engine
from services.gateway.federation import Subgraph, SubgraphSchemaError, read_subgraph
from services.gateway.limits import Limits
from services.gateway.subgraphs import SubgraphClients, SubgraphFailure
from services.kernel.auth import ANONYMOUS

log = logging.getLogger(__name__)


class CompositionFailed(Exception):
    def __init__(self, message: str, *, conflict: bool) -> None:
        super().__init__(message)
        self.conflict = conflict  # the subgraphs disagree (rather than one being unreachable)


@dataclass
class Composition:
    """The state `/readyz` and the admin query report."""

    digest: str | None = None
    composed_at: float | None = None
    attempts: int = 0
    last_error: str | None = None
    hints: list[str] = field(default_factory=list)


class Composer:
    def __init__(self, clients: SubgraphClients, limits: Limits) -> None:
        self.clients = clients
        self.limits = limits
        self.engine: Engine | None = None
        self.state = Composition()
        self._lock = asyncio.Lock()

    async def _subgraph(self, name: str) -> Subgraph:
        sdl = await self.clients.sdl(name, {}, ANONYMOUS)
        return read_subgraph(name, self.clients.endpoints[name].url, sdl)

    async def recompose(self) -> Composition:
        """Composes from every subgraph's current SDL; raises CompositionFailed on failure."""
        async with self._lock:
            self.state.attempts += 1
            try:
                subgraphs = await asyncio.gather(
                    *(self._subgraph(n) for n in self.clients.endpoints)
                )
                digest_before = self.engine.supergraph.digest if self.engine else None
                supergraph = compose(list(subgraphs))
            except SubgraphFailure as exc:
                self.state.last_error = str(exc)
                raise CompositionFailed(str(exc), conflict=False) from None
            except (SubgraphSchemaError, CompositionError) as exc:
                self.state.last_error = str(exc)
                raise CompositionFailed(str(exc), conflict=True) from None
            self.state.last_error = None
            if supergraph.digest != digest_before:
                self.engine = Engine(supergraph, self.clients, self.limits)
                self.state.digest = supergraph.digest
                self.state.composed_at = time.time()
                self.state.hints = supergraph.hints
                log.info("gateway: supergraph %s composed", supergraph.digest)
            return self.state

    async def keep_composing(self, interval_seconds: float) -> None:
        """Retries quickly until a first supergraph exists, then recomposes on the interval."""
        while True:
            await asyncio.sleep(interval_seconds if self.engine else min(1.0, interval_seconds))
            try:
                await self.recompose()
            except CompositionFailed as exc:
                log.warning(
                    "gateway: recomposition failed, keeping the last good supergraph: %s", exc
                )
