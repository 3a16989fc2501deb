"""One part of the stack as its own OS process, watched and restarted when it dies.

Each part runs in a process group of its own, so Ctrl-C reaches only the supervisor, which
stops the parts in order, and so stopping a part stops what it started (scoring's rules
workers); Linux also stops it should the supervisor die. Its output is passed on, each line
prefixed with its name. A part that exits on its own is started again after a pause that
doubles with each quick failure (0.5 s up to 30 s), and that resets once it has run a minute.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from services.kernel.processes import die_with_parent
from services.messages import _
from services.stack.errors import StackError

FIRST_PAUSE, LONGEST_PAUSE, STEADY_SECONDS = 0.5, 30.0, 60.0
READY_SECONDS = 60.0
STOP_SECONDS = 15.0


@dataclass(frozen=True)
class Part:
    name: str
    command: list[str]
    env: dict[str, str]
    ready: Callable[[], Awaitable[bool]]  # does it answer yet?
    shown: Callable[[str], bool] = lambda line: True  # which lines of its output to pass on


class Child:
    def __init__(self, part: Part, on_change: Callable[[], None] = lambda: None) -> None:
        self.part = part
        self.on_change = on_change
        self.state = "stopped"  # starting, ready, restarting, stopped
        self.restarts = 0
        self.since = time.time()
        self.process: asyncio.subprocess.Process | None = None
        self.last_lines: deque[str] = deque(maxlen=20)
        self._started_at = 0.0
        self._stopping = False
        self._output: asyncio.Task[None] | None = None
        self._watch: asyncio.Task[None] | None = None

    @property
    def name(self) -> str:
        return self.part.name

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def say(self, text: str) -> None:
        print(f"{self.name:>7} | {text}", flush=True)

    async def start(self) -> None:
        """Started and answering, or a StackError naming why not; then watched."""
        await self._spawn()
        await self._until_ready()
        self._watch = asyncio.create_task(self._supervise(), name=f"watch-{self.name}")

    async def _spawn(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            *self.part.command,
            env=self.part.env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent if sys.platform == "linux" else None,
        )
        self._started_at = time.monotonic()
        self._set("starting")
        self._output = asyncio.create_task(self._pass_on(self.process.stdout))

    async def _pass_on(self, stream: asyncio.StreamReader | None) -> None:
        while stream is not None and (line := await stream.readline()):
            text = line.decode(errors="replace").rstrip()
            self.last_lines.append(text)
            if self.part.shown(text):
                self.say(text)

    async def _until_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if self.process.returncode is not None:
                await self._drained()
                raise StackError(self._why_it_stopped())
            with contextlib.suppress(Exception):
                if await self.part.ready():
                    self._set("ready")
                    return
            await asyncio.sleep(0.1)
        raise StackError(
            _("{part} was not ready within {seconds} s").format(
                part=self.name, seconds=f"{READY_SECONDS:.0f}"
            )
        )

    def _why_it_stopped(self) -> str:
        """The part's own one-line reason (`smartcity: ...`), else its last line."""
        said = [line for line in self.last_lines if line.startswith("smartcity: ")]
        if said:
            return said[-1].removeprefix("smartcity: ")
        last = self.last_lines[-1] if self.last_lines else _("no output")
        return _("{part} stopped while starting: {last}").format(part=self.name, last=last)

    async def _supervise(self) -> None:
        pause = FIRST_PAUSE
        while not self._stopping:
            assert self.process is not None
            status = await self.process.wait()
            await self._drained()
            if self._stopping:
                return
            if time.monotonic() - self._started_at > STEADY_SECONDS:
                pause = FIRST_PAUSE
            self._set("restarting")
            self.say(f"exited with status {status}; starting it again in {pause:g} s")
            await asyncio.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)
            if self._stopping:
                return
            self.restarts += 1
            await self._spawn()
            try:
                await self._until_ready()
            except StackError as failed:
                self.say(f"did not come back: {failed}")
                self._signal(signal.SIGKILL)
                continue
            self.say(f"is back (restart {self.restarts})")

    async def _drained(self) -> None:
        if self._output is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._output, 5)

    async def stop(self) -> None:
        """SIGTERM to its process group, SIGKILL after STOP_SECONDS."""
        self._stopping = True
        if self.process is not None and self.process.returncode is None:
            self._signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), STOP_SECONDS)
            except TimeoutError:
                self._signal(signal.SIGKILL)
                await self.process.wait()
        if self._watch is not None:
            self._watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch
        await self._drained()
        self._set("stopped")

    def _signal(self, number: int) -> None:
        """To the whole process group: the part and every process it started."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, number)

    def _set(self, state: str) -> None:
        self.state, self.since = state, time.time()
        self.on_change()
