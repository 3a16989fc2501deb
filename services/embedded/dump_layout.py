"""The directory layout MongoDB's own dump tool writes, and its restore tool reads: a folder per
database, and in it, per collection, `NAME.bson` (its documents, one BSON document after
another) and `NAME.metadata.json` (its indexes, in canonical Extended JSON).

The embedded store's snapshots, `smartcity backup` and `smartcity restore` all use it, so a
pilot's data moves to a production replica set with `mongorestore`.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bson
from bson import json_util
from bson.errors import BSONError

CANONICAL = json_util.JSONOptions(json_mode=json_util.JSONMode.CANONICAL)
DOCUMENTS = ".bson"
METADATA = ".metadata.json"


class Damaged(Exception):
    """A file of the layout cannot be read: which, and why."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Collection:
    database: str
    name: str
    folder: Path

    def documents(self) -> Iterator[dict[str, Any]]:
        path = self.folder / f"{self.name}{DOCUMENTS}"
        try:
            with path.open("rb") as found:
                yield from bson.decode_file_iter(found)
        except (OSError, BSONError) as exc:
            raise Damaged(path, str(exc) or type(exc).__name__) from None

    def indexes(self) -> list[dict[str, Any]]:
        """Its indexes as `createIndexes` takes them (`_id_` left out: every collection has it)."""
        path = self.folder / f"{self.name}{METADATA}"
        if not path.exists():
            return []
        try:
            metadata = json_util.loads(path.read_text())
            found = [dict(index) for index in metadata.get("indexes", [])]
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            raise Damaged(path, str(exc) or type(exc).__name__) from None
        return [
            {k: v for k, v in index.items() if k not in ("v", "ns")}
            for index in found
            if index.get("name") != "_id_"
        ]


def collections(root: Path) -> list[Collection]:
    """Every collection of the layout under `root`, by database then name."""
    found = []
    for database in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        for path in sorted(database.glob(f"*{DOCUMENTS}")):
            found.append(Collection(database.name, path.name.removesuffix(DOCUMENTS), database))
    return found


def write_collection(
    root: Path,
    database: str,
    name: str,
    documents: Iterable[dict[str, Any]],
    indexes: Iterable[dict[str, Any]],
) -> int:
    """Writes one collection, flushed to the disk; how many documents it holds."""
    folder = root / database
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    with (folder / f"{name}{DOCUMENTS}").open("wb") as out:
        for document in documents:
            out.write(bson.encode(document))
            count += 1
        out.flush()
        os.fsync(out.fileno())
    listed = [{"v": 2, "key": {"_id": 1}, "name": "_id_"}]
    listed += [{"v": 2, **index} for index in indexes if index.get("name") != "_id_"]
    metadata = {"indexes": listed, "uuid": uuid.uuid4().hex, "collectionName": name,
                "type": "collection"}  # fmt: skip
    with (folder / f"{name}{METADATA}").open("w") as out:
        out.write(json_util.dumps(metadata, json_options=CANONICAL))
        out.flush()
        os.fsync(out.fileno())
    return count


def index_specs(information: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """pymongo's (and mongomock's) `index_information()` as the layout lists indexes."""
    specs = []
    for name, described in information.items():
        if name == "_id_":
            continue
        spec: dict[str, Any] = {"key": dict(described["key"]), "name": name}
        spec |= {k: v for k, v in described.items() if k not in ("key", "v", "ns")}
        specs.append(spec)
    return specs
