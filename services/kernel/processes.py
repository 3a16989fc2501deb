"""What a family of the suite's processes shares: ports chosen without collisions, and
children that stop with their parent."""

from __future__ import annotations

import ctypes
import os
import random
import signal
import socket

PR_SET_PDEATHSIG = 1


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
