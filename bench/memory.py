"""What a process and the processes it started hold in memory, read from /proc (Linux)."""

from __future__ import annotations

import contextlib
from pathlib import Path


def status_mb(pid: int, field: str) -> float:
    """A memory line of /proc/PID/status in MB: VmRSS now, VmHWM the peak so far; 0 if gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0.0


def rss_mb(pid: int) -> float:
    return status_mb(pid, "VmRSS")


def peak_rss_mb(pid: int) -> float:
    return status_mb(pid, "VmHWM")


def descendants(pid: int) -> list[int]:
    """Every process `pid` started, from any of its threads, and theirs (scoring's rules
    workers and their forkserver)."""
    found, parents = [], [pid]
    while parents:
        tasks = Path(f"/proc/{parents.pop()}/task")
        for task in tasks.iterdir() if tasks.exists() else []:
            with contextlib.suppress(OSError):
                children = [int(c) for c in (task / "children").read_text().split()]
                found += children
                parents += children
    return found
