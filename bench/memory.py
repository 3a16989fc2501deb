"""What a process and the processes it started hold in memory, read from /proc (Linux)."""

from __future__ import annotations

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
    """Every process `pid` started, and theirs (scoring's rules workers and their forkserver)."""
    try:
        children = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (FileNotFoundError, ProcessLookupError):
        return []
    return children + [d for child in children for d in descendants(child)]
