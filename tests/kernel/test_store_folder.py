"""The embedded store kept in its folder, through the MongoDB wire protocol as services reach
it: what was acknowledged survives a clean stop and a SIGKILL; a torn journal record and a
damaged snapshot each give one notice and the last good state; a backup is MongoDB's dump
layout, read back by the `bson` module, and a restore into a fresh store gives the same
documents and indexes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import bson
import pymongo
import pytest

from services.embedded import backups
from services.embedded.store_folder import StoreFolder
from services.embedded.store_server import StoreServer

DATABASE = "smartcity_test"


def contents(uri: str) -> dict[str, Any]:
    """Every document and index of the test database."""
    with pymongo.MongoClient(uri, uuidRepresentation="standard") as client:
        database = client[DATABASE]
        return {
            name: {
                "documents": list(database[name].find({}, sort=[("_id", 1)])),
                "indexes": database[name].index_information(),
            }
            for name in sorted(database.list_collection_names())
        }


def write_some(uri: str, start: int = 0, count: int = 50) -> None:
    with pymongo.MongoClient(uri, uuidRepresentation="standard") as client:
        regions = client[DATABASE].regions
        regions.create_index("name", unique=True)
        regions.create_index([("province", 1), ("code", -1)], name="by_province", sparse=True)
        for n in range(start, start + count):
            regions.insert_one({"_id": f"r{n}", "name": f"Kota {n}", "province": "Uji",
                                "scores": [n, n / 2], "nested": {"at": n}})  # fmt: skip
        regions.update_one({"_id": f"r{start}"}, {"$set": {"name": f"Kota Baru {start}"}})
        regions.delete_one({"_id": f"r{start + 1}"})
        client[DATABASE].events.update_one({"_id": "e"}, {"$inc": {"seen": count}}, upsert=True)


def test_what_was_written_is_there_after_a_clean_stop_and_a_second(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    with StoreServer(StoreFolder(folder)) as store:
        write_some(store.uri)
        before = contents(store.uri)
    with StoreServer(StoreFolder(folder)) as store:
        assert store.notices == []
        assert contents(store.uri) == before
        write_some(store.uri, start=100)
        after = contents(store.uri)
    with StoreServer(StoreFolder(folder)) as store:
        assert contents(store.uri) == after
    assert len(after["regions"]["documents"]) == 98


SERVE = """
import sys, time
from pathlib import Path
from services.embedded.store_folder import StoreFolder
from services.embedded.store_server import StoreServer
with StoreServer(StoreFolder(Path(sys.argv[1]))) as store:
    print(store.uri, flush=True)
    time.sleep(600)
"""


def test_every_acknowledged_write_survives_a_sigkill(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    served = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(folder)], stdout=subprocess.PIPE, text=True,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    try:
        assert served.stdout is not None
        uri = served.stdout.readline().strip()
        write_some(uri)
        acknowledged = contents(uri)
    finally:
        os.kill(served.pid, signal.SIGKILL)  # no snapshot, no flush: only the journal
        served.wait()
    assert not any(p.name.startswith("snapshot-") for p in folder.iterdir())
    with StoreServer(StoreFolder(folder)) as store:
        assert store.notices == []
        assert contents(store.uri) == acknowledged


def test_a_torn_last_record_is_dropped_with_a_notice(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    with StoreServer(StoreFolder(folder, snapshot_after_bytes=10**9)) as store:
        write_some(store.uri)
        whole = contents(store.uri)
        [journal] = [p for p in folder.iterdir() if p.name.startswith("journal-")]
        size = journal.stat().st_size
    [journal] = sorted(p for p in folder.iterdir() if p.name.startswith("journal-"))[-1:]
    with journal.open("ab") as torn:  # a write the process was killed while appending
        torn.write(b"\x40\x00\x00\x00\x12\x34\x56\x78" + bson.encode({"insert": "regions"})[:9])
    with StoreServer(StoreFolder(folder)) as store:
        [notice] = store.notices
        assert notice.key == "store.journalTorn" and notice.values["journal"] == journal.name
        assert contents(store.uri) == whole
    assert size > 0


def test_a_damaged_snapshot_falls_back_to_the_one_before_and_its_journals(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    with StoreServer(StoreFolder(folder)) as store:
        write_some(store.uri)
    with StoreServer(StoreFolder(folder)) as store:
        write_some(store.uri, start=100)
        latest = contents(store.uri)
    snapshots = sorted(folder.glob("snapshot-*"), key=lambda p: int(p.name.split("-")[1]))
    assert len(snapshots) == 2
    damaged = snapshots[-1] / DATABASE / "regions.bson"
    damaged.write_bytes(damaged.read_bytes()[:-7])  # cut inside its last document
    with StoreServer(StoreFolder(folder)) as store:
        [notice] = store.notices
        assert notice.key == "store.snapshotDamaged"
        assert notice.values["snapshot"] == int(snapshots[-1].name.split("-")[1])
        assert contents(store.uri) == latest  # the older snapshot and the journals since


def test_a_backup_is_the_dump_layout_and_restores_the_same_documents_and_indexes(
    tmp_path: Path,
) -> None:
    with StoreServer(StoreFolder(tmp_path / "pilot")) as store:
        write_some(store.uri)
        pilot = contents(store.uri)
        written = backups.backup_mongodb(store.uri, tmp_path / "dump")
    assert written == {f"{DATABASE}.events": 1, f"{DATABASE}.regions": 49}
    with (tmp_path / "dump" / DATABASE / "regions.bson").open("rb") as dumped:
        assert list(bson.decode_file_iter(dumped)) == pilot["regions"]["documents"]
    metadata = (tmp_path / "dump" / DATABASE / "regions.metadata.json").read_text()
    assert '"name": "by_province"' in metadata and '"sparse": true' in metadata

    fresh = StoreFolder(tmp_path / "fresh")
    assert (
        backups.restore_folder(fresh, tmp_path / "dump", replace=False, aside=tmp_path / "x") == 2
    )
    with StoreServer(StoreFolder(tmp_path / "fresh")) as store:
        assert contents(store.uri) == pilot
    # a second restore would mix two stores: refused unless asked, then the first set aside
    with pytest.raises(backups.Refused):
        backups.restore_folder(fresh, tmp_path / "dump", replace=False, aside=tmp_path / "x")
    backups.restore_folder(fresh, tmp_path / "dump", replace=True, aside=tmp_path / "aside")
    assert (tmp_path / "aside").is_dir()

    # into a MongoDB (here the embedded store served empty): refused when it holds documents
    with StoreServer() as target:
        restored = backups.restore_mongodb(target.uri, tmp_path / "dump", replace=False)
        assert restored == written and contents(target.uri) == pilot
        with pytest.raises(backups.Refused):
            backups.restore_mongodb(target.uri, tmp_path / "dump", replace=False)


def test_a_stopped_stacks_folder_is_backed_up_without_changing_it(tmp_path: Path) -> None:
    with StoreServer(StoreFolder(tmp_path / "store")) as store:
        write_some(store.uri)
        kept = contents(store.uri)
    files = sorted(p.name for p in (tmp_path / "store").iterdir())
    written, notices = backups.backup_folder(StoreFolder(tmp_path / "store"), tmp_path / "dump")
    assert notices == [] and written[f"{DATABASE}.regions"] == 49
    assert sorted(p.name for p in (tmp_path / "store").iterdir()) == files
    with StoreServer() as target:
        backups.restore_mongodb(target.uri, tmp_path / "dump", replace=False)
        assert contents(target.uri) == kept
