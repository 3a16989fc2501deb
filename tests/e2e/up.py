"""`smartcity up` as its own process on free loopback ports, read as a user reads it."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from services.kernel.processes import free_port
from services.registry import SERVICES
from tests.support import SECRET


def smartcity_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "services.cli", *args]


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "SMARTCITY_JWT_SECRET": SECRET,
        "SMARTCITY_DATA_DIR": str(data_dir),
        "SMARTCITY_CONFIG_DIR": str(data_dir / "config"),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def elsewhere(data_dir: Path) -> Path:
    """A folder that is neither the project nor the data folder: commands run from there."""
    folder = data_dir / "elsewhere"
    folder.mkdir(exist_ok=True)
    return folder


def free_ports() -> dict[str, int]:
    return {"nats": free_port(), **{name: free_port() for name in SERVICES}}


def port_options(ports: dict[str, int]) -> list[str]:
    return [option for name, port in ports.items() for option in (f"--{name}-port", str(port))]


def processes_mentioning(text: str) -> list[int]:
    """Live processes whose command line names `text` (a data directory, say)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().split(") ", 1)[1][0]
        except OSError:
            continue
        if text in command and state != "Z":
            found.append(int(entry.name))
    return found


class UpProcess:
    """Starts `smartcity up`, waits for its banner, and stops it with Ctrl-C (SIGINT)."""

    def __init__(self, data_dir: Path, ports: dict[str, int], *options: str, **env: str) -> None:
        self.ports, self.lines = ports, []
        self.process = subprocess.Popen(
            smartcity_command("up", *port_options(ports), *options),
            env=environment(data_dir, **env),
            cwd=elsewhere(data_dir),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, text: str, timeout: float = 60.0) -> str:
        """The first line (from now) holding `text`; fails if the process ends first."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                break
            if line is None:
                raise AssertionError("smartcity up ended:\n" + "\n".join(self.lines))
            self.lines.append(line)
            if text in line:
                return line
        raise AssertionError(f"no {text!r} within {timeout}s:\n" + "\n".join(self.lines))

    def value_of(self, label: str) -> str:
        line = next(line for line in self.lines if line.startswith(label))
        return line.removeprefix(label).strip().split()[0]

    def interrupt(self, timeout: float = 60.0) -> int:
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=timeout)
        while (line := self._queue.get(timeout=10)) is not None:
            self.lines.append(line)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def port_held(port: int) -> socket.socket:
    holder = socket.socket()
    holder.bind(("127.0.0.1", port))
    holder.listen()
    return holder
