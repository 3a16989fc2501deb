"""Backup and restore in MongoDB's dump layout, of a MongoDB (a replica set, or the embedded
store a running stack serves) or of a stopped stack's kept store.

A backup reads each collection at one point in time where the server offers it (a snapshot
session on a replica set); the embedded store answers one command at a time, and a stopped
stack's folder does not change. A restore refuses to write into a database that holds
documents unless asked to replace them, and then checks the whole dump before it writes
anything.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pymongo
from pymongo.client_session import ClientSession
from pymongo.collection import Collection

from services.embedded import dump_layout
from services.embedded.dump_layout import Damaged
from services.embedded.store_folder import Notice, StoreFolder

SYSTEM_DATABASES = frozenset({"admin", "local", "config"})
BATCH = 1_000


class Refused(Exception):
    """The backup or restore would lose or mix data: nothing was written. `what` is the
    reason's key: `target` (the backup's folder is not empty), `documents` (the databases
    hold documents), `folder` (the kept store holds data); `detail` names them."""

    def __init__(self, what: str, detail: str) -> None:
        super().__init__(f"{what}: {detail}")
        self.what = what
        self.detail = detail


def backup_mongodb(uri: str, target: Path) -> dict[str, int]:
    """Every collection of every database but MongoDB's own: `database.collection` -> the
    documents written."""
    _require_empty(target)
    written = {}
    client: pymongo.MongoClient[dict[str, Any]]
    with pymongo.MongoClient(uri, uuidRepresentation="standard") as client:
        for database in sorted(set(client.list_database_names()) - SYSTEM_DATABASES):
            for name in sorted(client[database].list_collection_names()):
                if name.startswith("system."):
                    continue
                collection: Collection[dict[str, Any]] = client[database][name]
                with _one_point(client) as session:
                    documents = collection.find({}, session=session, sort=[("_id", 1)])
                    indexes = dump_layout.index_specs(collection.index_information())
                    count = dump_layout.write_collection(target, database, name, documents, indexes)
                written[f"{database}.{name}"] = count
    return written


def backup_folder(folder: StoreFolder, target: Path) -> tuple[dict[str, int], list[Notice]]:
    """A stopped stack's kept store, read from its folder without changing it."""
    from services.embedded.store_server import Store  # the embedded extra: mongomock

    _require_empty(target)
    store = Store()
    notices = folder.load(store.replayed, store.clear, read_only=True)
    written = {}
    for database, name, documents, indexes in store.contents():
        written[f"{database}.{name}"] = dump_layout.write_collection(
            target, database, name, documents, indexes
        )
    return written, notices


def restore_mongodb(uri: str, source: Path, *, replace: bool) -> dict[str, int]:
    found = _checked(source)
    client: pymongo.MongoClient[dict[str, Any]]
    with pymongo.MongoClient(uri, uuidRepresentation="standard") as client:
        held = [
            f"{c.database}.{c.name}"
            for c in found
            if client[c.database][c.name].estimated_document_count()
        ]
        if held and not replace:
            raise Refused("documents", ", ".join(held))
        written = {}
        for collection in found:
            target: Collection[dict[str, Any]] = client[collection.database][collection.name]
            if replace:
                target.drop()
            written[f"{collection.database}.{collection.name}"] = _load(collection, target)
    return written


def restore_folder(folder: StoreFolder, source: Path, *, replace: bool, aside: Path) -> int:
    """The dump made the kept store's first snapshot; what the folder held moved to `aside`
    (with `replace` only). How many collections it holds."""
    found = _checked(source)
    if folder.holds_data():
        if not replace:
            raise Refused("folder", str(folder.folder))
        aside.parent.mkdir(parents=True, exist_ok=True)
        folder.folder.rename(aside)
    folder.place_snapshot(source)
    return len(found)


def _checked(source: Path) -> list[dump_layout.Collection]:
    """Every collection of the dump, each read whole once: a damaged file is found before
    anything is written."""
    found = dump_layout.collections(source)
    if not found:
        raise Damaged(source, "no collection in MongoDB's dump layout (DATABASE/NAME.bson)")
    for collection in found:
        collection.indexes()
        for _ in collection.documents():
            pass
    return found


def _load(collection: dump_layout.Collection, target: Any) -> int:
    count, batch = 0, []
    for document in collection.documents():
        batch.append(document)
        if len(batch) == BATCH:
            target.insert_many(batch, ordered=True)
            count, batch = count + len(batch), []
    if batch:
        target.insert_many(batch, ordered=True)
        count += len(batch)
    for index in collection.indexes():
        options = {k: v for k, v in index.items() if k != "key"}
        target.create_index(list(index["key"].items()), **options)
    return count


def _require_empty(target: Path) -> None:
    if target.exists() and any(target.iterdir()):
        raise Refused("target", str(target))


@contextlib.contextmanager
def _one_point(client: pymongo.MongoClient[Any]) -> Iterator[ClientSession | None]:
    """A snapshot session on a replica set (every read of it at one point in time); a lone
    server offers none."""
    if client.admin.command("hello").get("setName"):
        with client.start_session(snapshot=True) as session:
            yield session
    else:
        yield None
