"""What a running stack tells `smartcity status`: a small file in its data directory, kept
up to date by the supervisor, naming each part's state, process, address and restarts."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

FILE = "stack.json"
STORE = "store"  # the part that is the embedded store, served by the supervisor itself


@dataclass(frozen=True)
class PartState:
    name: str
    state: str
    pid: int | None
    address: str
    restarts: int
    since: float


def path_in(data_dir: Path) -> Path:
    return data_dir / FILE


def write(data_dir: Path, supervisor: int, parts: Iterable[PartState]) -> None:
    """Replaced whole (written aside, then renamed), so a reader never sees half of it."""
    target = path_in(data_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    aside = target.with_suffix(".tmp")
    aside.write_text(json.dumps({"supervisor": supervisor, "parts": [asdict(p) for p in parts]}))
    aside.replace(target)


def remove(data_dir: Path) -> None:
    path_in(data_dir).unlink(missing_ok=True)


def read(data_dir: Path) -> tuple[int, list[PartState]] | None:
    """The stack's supervisor and parts, or None when no stack runs from this directory."""
    try:
        found: Mapping[str, Any] = json.loads(path_in(data_dir).read_text())
    except (OSError, ValueError):
        return None
    supervisor = int(found.get("supervisor", 0))
    if not _alive(supervisor):
        return None
    return supervisor, [PartState(**part) for part in found.get("parts", [])]


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def shown(parts: Iterable[PartState]) -> list[list[str]]:
    """Rows for a table: part, state, process, address, restarts, since."""
    return [
        [
            part.name,
            part.state,
            str(part.pid or "-"),
            part.address,
            str(part.restarts),
            dt.datetime.fromtimestamp(part.since).strftime("%H:%M:%S"),
        ]
        for part in parts
    ]


def running_store(data_dir: Path) -> str | None:
    """The address of the embedded store a running stack serves from this folder, if any."""
    found = read(data_dir)
    if found is None:
        return None
    return next((part.address for part in found[1] if part.name == STORE), None)
