"""The machine a benchmark ran on, as its report names it (Linux)."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def _first(path: str, label: str) -> str:
    """The value of the first `label: value` line of a /proc file."""
    lines = Path(path).read_text().splitlines()
    return next(line.split(":", 1)[1].strip() for line in lines if line.startswith(label))


def machine() -> str:
    memory_gib = int(_first("/proc/meminfo", "MemTotal").split()[0]) / 1024 / 1024
    system = f"{platform.system()} {platform.release()}"
    return (f"{_first('/proc/cpuinfo', 'model name')}, {os.cpu_count()} cores, "
            f"{memory_gib:.0f} GiB; {system}; Python {platform.python_version()}")  # fmt: skip
