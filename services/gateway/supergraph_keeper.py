"""Keeping a composed supergraph: composing at start, on demand and on a timer.

The supergraph comes from the subgraphs' own schemas, composed here, or from a supergraph
file in the join-spec form (`SMARTCITY_SUPERGRAPH`) that any standard composer writes,
read again whenever it changes. A new supergraph replaces the engine only when it is
good; when a subgraph is down, the subgraphs conflict or the file is wrong, the last good
supergraph keeps serving and the failure is kept for `/readyz` and the admin query to show.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from services.gateway.composition.composer import CompositionError, compose
from services.gateway.composition.join_read import SupergraphFileError, load_supergraph
from services.gateway.composition.subgraph_schema import SubgraphSchemaError, read_subgraph
from services.gateway.composition.supergraph import Supergraph
from services.gateway.edge.limits import Limits
from services.gateway.engine import Engine
from services.gateway.execution.subgraph_calls import SubgraphFailure
from services.gateway.execution.subgraphs import SubgraphClients, SubgraphEndpoint
from services.kernel.auth import ANONYMOUS

log = logging.getLogger(__name__)


class CompositionFailed(Exception):
    def __init__(self, message: str, *, conflict: bool) -> None:
        super().__init__(message)
        self.conflict = conflict  # the subgraphs disagree (rather than one being unreachable)


@dataclass
class SupergraphState:
    """The state `/readyz` and the admin query report."""

    digest: str | None = None
    composed_at: float | None = None
    attempts: int = 0
    last_error: str | None = None
    hints: list[str] = field(default_factory=list)


class SupergraphKeeper:
    def __init__(
        self, clients: SubgraphClients, limits: Limits, supergraph_file: Path | None = None
    ) -> None:
        self.clients = clients
        self.limits = limits
        self.supergraph_file = supergraph_file
        self.engine: Engine | None = None
        self.state = SupergraphState()
        self._lock = asyncio.Lock()
        self._read_stamp: tuple[float, int] | None = None  # of the supergraph file last read
        self._source: object = None  # what the engine's supergraph was made from

    async def _supergraph(self) -> Supergraph:
        """A supergraph made again only when what it is made from changed: the subgraphs'
        names, URLs and SDLs, or the file's text. Made again each minute for nothing, its
        schema's reference cycles piled up in the collector's oldest generation, which is
        examined rarely (`kernel/collector.py`): an idle gateway grew a megabyte a minute."""
        if self.supergraph_file is None:
            endpoints = list(self.clients.endpoints.values())
            sdls = await asyncio.gather(
                *(self.clients.sdl(e.name, {}, ANONYMOUS) for e in endpoints)
            )
            read = tuple((e.name, e.url, sdl) for e, sdl in zip(endpoints, sdls, strict=True))
            if self.engine is not None and read == self._source:
                return self.engine.supergraph
            supergraph = compose([read_subgraph(name, url, sdl) for name, url, sdl in read])
            self._source = read
            return supergraph
        try:
            self._read_stamp = self._file_stamp()
            text = self.supergraph_file.read_text()
        except OSError as exc:
            raise SupergraphFileError(f"{self.supergraph_file}: {exc.strerror}") from None
        if self.engine is not None and text == self._source:
            return self.engine.supergraph
        supergraph = load_supergraph(text)
        self._source = text
        for name, view in supergraph.subgraphs.items():
            endpoint = self.clients.endpoints.get(name)
            timeout = endpoint.timeout_seconds if endpoint else self.timeout_seconds
            if view.url and (endpoint is None or endpoint.url != view.url):
                self.clients.endpoints[name] = SubgraphEndpoint(name, view.url, timeout)
        return supergraph

    @property
    def timeout_seconds(self) -> float:
        known = [e.timeout_seconds for e in self.clients.endpoints.values()]
        return known[0] if known else 10.0

    async def recompose(self) -> SupergraphState:
        """Composes from every subgraph's current SDL; raises CompositionFailed on failure."""
        async with self._lock:
            self.state.attempts += 1
            try:
                digest_before = self.engine.supergraph.digest if self.engine else None
                supergraph = await self._supergraph()
            except SubgraphFailure as exc:
                self.state.last_error = str(exc)
                raise CompositionFailed(str(exc), conflict=False) from None
            except (SubgraphSchemaError, CompositionError, SupergraphFileError) as exc:
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
        """Retries quickly until a first supergraph exists, then recomposes on the interval;
        a supergraph file is looked at every second, and read again when it changed."""
        waited = 0.0
        while True:
            tick = 1.0 if (self.supergraph_file or not self.engine) else interval_seconds
            await asyncio.sleep(min(tick, interval_seconds))
            waited += min(tick, interval_seconds)
            changed = self._file_stamp() != self._read_stamp
            if self.engine and waited < interval_seconds and not changed:
                continue
            waited = 0.0
            try:
                await self.recompose()
            except CompositionFailed as exc:
                log.warning(
                    "gateway: recomposition failed, keeping the last good supergraph: %s", exc
                )

    def _file_stamp(self) -> tuple[float, int] | None:
        if self.supergraph_file is None:
            return None
        try:
            found = self.supergraph_file.stat()
        except OSError:
            return None
        return found.st_mtime, found.st_size
