"""Results letters rendered in processes of their own, once for each content and language.

Rendering a letter of many long findings takes seconds of CPU, and fpdf2 holds the GIL
throughout: in the service's own process it would hold up every read. So letters render in
a small pool of processes; a letter already rendered, or being rendered, for the same
content and language is not rendered again (a scorecard's new revision, or a rank that
moved, is new content); a few renders wait at most, and past them a request is refused at
once as busy; a render nobody waits for any more is dropped before it starts.
"""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from services.kernel import errors
from services.kernel.lru import LruCache
from services.scoring.domain.letters import Letter
from services.scoring.letters import pdf
from services.scoring.letters.wording import Wording

MEGABYTE = 1024 * 1024
RENDER_SECONDS = 120  # a letter of 97 findings of 5,000 characters takes some 3 s
Key = tuple[str, str]  # the letter's digest, its language


def render(letter: Letter, language: str) -> bytes:
    """In a renderer process: the letter's PDF."""
    return pdf.render(letter, Wording(language))


@dataclass
class _Render:
    future: asyncio.Future[bytes]
    waiters: int = 0


class LetterRenderer:
    def __init__(self, processes: int = 1, waiting: int = 4, cache_mb: int = 64) -> None:
        self.processes = processes
        self.most_at_once = processes + waiting
        self._pool: ProcessPoolExecutor | None = None
        self._cache: LruCache[Key, bytes] = LruCache(cache_mb * MEGABYTE, lambda _, b: len(b))
        self._rendering: dict[Key, _Render] = {}
        self.rendered_total = 0
        self.refused_total = 0

    async def pdf(self, letter: Letter, language: str) -> bytes:
        key = (hashlib.sha256(pickle.dumps(letter)).hexdigest(), language)
        kept = self._cache.get(key)
        if kept is not None:
            return kept
        render = self._rendering.get(key)
        if render is None:
            if len(self._rendering) >= self.most_at_once:
                self.refused_total += 1
                raise errors.Busy(
                    f"{len(self._rendering)} letters are being written; ask again shortly"
                )
            render = self._rendering[key] = _Render(
                asyncio.ensure_future(self._render(key, letter))
            )
            render.future.add_done_callback(lambda _: self._forget(key, render))
        render.waiters += 1
        try:
            return await asyncio.shield(render.future)
        except asyncio.CancelledError:
            if render.waiters == 1:  # nobody else waits: dropped if it has not started
                self._forget(key, render)
                render.future.cancel()
            raise
        finally:
            render.waiters -= 1

    async def _render(self, key: Key, letter: Letter) -> bytes:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(RENDER_SECONDS):
                body = await loop.run_in_executor(self._processes(), render, letter, key[1])
        except (BrokenProcessPool, TimeoutError):
            self._stop_processes()  # a process that died or hangs: the next render starts anew
            raise errors.Busy("the letter could not be written this time; ask again") from None
        self.rendered_total += 1
        self._cache.put(key, body)
        return body

    def _forget(self, key: Key, render: _Render) -> None:
        if self._rendering.get(key) is render:
            del self._rendering[key]

    def _processes(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("forkserver")
            self._pool = ProcessPoolExecutor(self.processes, mp_context=context)
        return self._pool

    def _stop_processes(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.kill()  # no public kill
            pool.shutdown(wait=False, cancel_futures=True)

    @property
    def rendering(self) -> int:
        return len(self._rendering)

    def close(self) -> None:
        self._stop_processes()
