"""The embedded store kept on disk, in its data folder (`DATA_DIR/store`): snapshots in the
MongoDB dump layout, and the journal of every write since.

- `journal-N.log` holds the writes applied after snapshot N (`journal-1.log` those after an
  empty start). A write's record is on disk before its reply is sent.
- `snapshot-N/` is the whole store as journal N began: one folder per database, each
  collection's `.bson` and `.metadata.json`, and a `COMPLETE` mark written last, so a
  snapshot cut short by a crash is never read. One is taken when the journal has grown past
  `snapshot_after_bytes`, and at a clean stop; it holds the store's lock meanwhile.
- Two snapshots are kept, and the journals from the older one on, so a damaged snapshot
  falls back to the one before it and its journals: the last good state.

At start the newest good snapshot is loaded and every journal since replayed in order. A
record the process was killed while writing (or damaged since) ends the replay: it is
dropped, the file cut there, and a notice says so; the journals after it, if any, are set
aside, never read as if nothing were missing.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bson

from services.embedded import dump_layout, journal
from services.embedded.dump_layout import Damaged

log = logging.getLogger(__name__)

SNAPSHOT_AFTER_BYTES = 256 * 1024 * 1024
COMPLETE = "COMPLETE"
NUMBERED = re.compile(r"^(snapshot|journal)-(\d+)(\.log)?$")
# the commands that change the store, journalled in the order applied; replaying them gives
# the same store because every write the suite sends names its documents' `_id` (pymongo
# adds it to an insert, and each upsert filters on it)
WRITES = frozenset(
    {"insert", "update", "delete", "findandmodify", "create", "createindexes", "drop",
     "dropdatabase"}
)  # fmt: skip
KEPT_FIELDS = ("$db",)  # of a command's `$`-fields; sessions and cluster times are not state


@dataclass(frozen=True)
class Notice:
    """Something said about the folder at start: a message key of the catalogue and its
    values, for whoever prints it."""

    key: str
    values: dict[str, Any]


# what loads the store: runs a command on it, without journalling it
Apply = Callable[[dict[str, Any]], dict[str, Any]]
# the store's contents, for a snapshot: (database, collection, documents, index specs)
Contents = Callable[[], Iterator[tuple[str, str, Iterator[dict[str, Any]], list[dict[str, Any]]]]]


class StoreFolder:
    def __init__(
        self,
        folder: Path,
        *,
        sync: bool = True,
        snapshot_after_bytes: int = SNAPSHOT_AFTER_BYTES,
    ) -> None:
        self.folder = folder
        self.sync = sync
        self.snapshot_after_bytes = snapshot_after_bytes
        self.journal: journal.Journal | None = None
        self.number = 0  # the journal being written
        self.snapshotting = threading.Lock()

    # start

    def load(
        self, apply: Apply, clear: Callable[[], None], *, read_only: bool = False
    ) -> list[Notice]:
        """The store as the folder last had it; notices of anything that was not whole. Then
        a new journal is begun, unless `read_only` (a backup of a stopped stack), which
        changes nothing in the folder."""
        if read_only and not self.folder.is_dir():
            return []
        self.folder.mkdir(parents=True, exist_ok=True)
        if not read_only:
            for partial in self.folder.glob("snapshot-*.partial"):
                shutil.rmtree(partial, ignore_errors=True)  # cut short by a crash
        notices: list[Notice] = []
        base = 0
        for number in sorted(self._numbers("snapshot"), reverse=True):
            try:
                self._load_snapshot(number, apply)
            except Damaged as damaged:
                clear()
                notices.append(Notice("store.snapshotDamaged",
                                      {"snapshot": number, "reason": str(damaged)}))  # fmt: skip
                continue
            base = number
            break
        journals = [n for n in sorted(self._numbers("journal")) if n >= max(base, 1)]
        for position, number in enumerate(journals):
            path = self._journal_path(number)
            found = journal.read(path)
            for body in found.records:
                apply(_command(body))
            if found.torn_at is not None:
                dropped = found.size - found.torn_at
                notices.append(Notice("store.journalTorn",
                                      {"journal": path.name, "bytes": dropped}))  # fmt: skip
                later = [self._journal_path(n) for n in journals[position + 1 :]]
                notices += [Notice("store.journalSetAside", {"journal": p.name}) for p in later]
                if not read_only:
                    with path.open("r+b") as cut:
                        cut.truncate(found.torn_at)
                    for aside in later:
                        aside.rename(aside.with_suffix(".set-aside"))
                break
        if not read_only:
            self._begin(max([base, *journals]) + 1)
        return notices

    def holds_data(self) -> bool:
        """Whether a store was kept here (a snapshot, or a journal with a write in it)."""
        return bool(self._numbers("snapshot")) or any(
            self._journal_path(n).stat().st_size for n in self._numbers("journal")
        )

    def place_snapshot(self, layout: Path) -> None:
        """A dump, checked, made this empty folder's first snapshot (`smartcity restore`)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self._snapshot_path(1)
        shutil.copytree(layout, target)
        _written(target / COMPLETE, b"")
        _sync_folder(self.folder)

    def _load_snapshot(self, number: int, apply: Apply) -> None:
        for collection in dump_layout.collections(self._snapshot_path(number)):
            indexes = collection.indexes()
            namespace = {"$db": collection.database}
            apply({"create": collection.name, **namespace})
            batch: list[dict[str, Any]] = []
            for document in collection.documents():
                batch.append(document)
                if len(batch) == 1_000:
                    apply({"insert": collection.name, "documents": batch, **namespace})
                    batch = []
            if batch:
                apply({"insert": collection.name, "documents": batch, **namespace})
            if indexes:
                apply({"createIndexes": collection.name, "indexes": indexes, **namespace})

    # writing

    def record(self, name: str, command: dict[str, Any]) -> int | None:
        """Under the store's lock, once the command is applied: its journal record's number,
        or None for a command that changes nothing."""
        if self.journal is None or name not in WRITES:
            return None
        kept = {k: v for k, v in command.items() if not k.startswith("$") or k in KEPT_FIELDS}
        kept.pop("lsid", None)
        kept.pop("txnNumber", None)
        return self.journal.append(bson.encode(kept))

    def durable(self, number: int | None) -> None:
        if number is not None and self.journal is not None:
            self.journal.durable(number)

    @property
    def snapshot_due(self) -> bool:
        return self.journal is not None and self.journal.bytes >= self.snapshot_after_bytes

    def snapshot(self, contents: Contents) -> None:
        """Under the store's lock: the journal so far is closed, a new one begun, and the
        store written as it stands as the snapshot the new journal follows."""
        if self.journal is None:
            return
        number = self.number + 1
        self.journal.close()
        self._begin(number)
        writing = self.folder / f"snapshot-{number}.partial"
        shutil.rmtree(writing, ignore_errors=True)
        writing.mkdir()
        for database, name, documents, indexes in contents():
            dump_layout.write_collection(writing, database, name, documents, indexes)
        _written(writing / COMPLETE, b"")
        writing.rename(self._snapshot_path(number))
        _sync_folder(self.folder)
        self._forget_before(number)

    def close(self, contents: Contents | None = None) -> None:
        """At a clean stop: a snapshot (when `contents` is given), then the journal closed."""
        if contents is not None:
            self.snapshot(contents)
        if self.journal is not None:
            self.journal.close()
            self.journal = None

    # the folder

    def _begin(self, number: int) -> None:
        self.number = number
        self.journal = journal.Journal(self._journal_path(number), sync=self.sync)
        _sync_folder(self.folder)

    def _forget_before(self, number: int) -> None:
        """Keeps this snapshot and the one before it, and the journals from that one on."""
        snapshots = sorted(self._numbers("snapshot"))
        kept = [n for n in snapshots if n <= number][-2:]
        oldest = kept[0] if kept else number
        for old in snapshots:
            if old < oldest:
                shutil.rmtree(self._snapshot_path(old), ignore_errors=True)
        for old in self._numbers("journal"):
            if old < oldest:
                self._journal_path(old).unlink(missing_ok=True)

    def _numbers(self, kind: str) -> list[int]:
        found = []
        for path in self.folder.iterdir() if self.folder.exists() else []:
            matched = NUMBERED.match(path.name)
            if not matched or matched.group(1) != kind:
                continue
            if kind == "snapshot" and not (path / COMPLETE).exists():
                continue  # cut short by a crash: never read
            found.append(int(matched.group(2)))
        return found

    def _snapshot_path(self, number: int) -> Path:
        return self.folder / f"snapshot-{number}"

    def _journal_path(self, number: int) -> Path:
        return self.folder / f"journal-{number}.log"


def _command(body: bytes) -> dict[str, Any]:
    return dict(bson.decode(body))


def _written(path: Path, content: bytes) -> None:
    with path.open("wb") as out:
        out.write(content)
        out.flush()
        os.fsync(out.fileno())


def _sync_folder(folder: Path) -> None:
    """A file created or renamed in `folder` survives a power loss once the folder is synced."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
