"""`smartcity backup`, `smartcity restore` and `smartcity up --fresh` as a user runs them,
over a data folder whose embedded store a stack kept."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import bson
import pymongo
import pytest

from services.embedded.store_folder import StoreFolder
from services.embedded.store_server import StoreServer
from services.kernel.processes import free_port
from tests.support import SECRET


def smartcity(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SMARTCITY_JWT_SECRET": SECRET, "SMARTCITY_DATA_DIR": str(data_dir),
           "SMARTCITY_CONFIG_DIR": str(data_dir / "config"), "SMARTCITY_LANGUAGE": "en"}  # fmt: skip
    command = [sys.executable, "-m", "services.cli", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def kept(tmp_path: Path) -> Path:
    """A data folder whose stack kept two regions and a program in its store, then stopped."""
    data_dir = tmp_path / "pilot"
    with (
        StoreServer(StoreFolder(data_dir / "store")) as store,
        pymongo.MongoClient(store.uri) as client,
    ):
        client.smartcity_catalog.regions.insert_many(
            [{"_id": "12.07", "name": "Deli Serdang"}, {"_id": "63.03", "name": "Banjar"}]
        )
        client.smartcity_catalog.regions.create_index("name")
        client.smartcity_catalog.programs.insert_one({"_id": "p1", "region": "12.07"})
    return data_dir


def test_a_stopped_stacks_store_is_backed_up_and_restored_into_another_folder(
    kept: Path, tmp_path: Path
) -> None:
    backed = smartcity("backup", str(tmp_path / "dump"), data_dir=kept)
    assert backed.returncode == 0, backed.stderr
    assert backed.stdout.strip() == f"2 collections, 3 documents written to {tmp_path / 'dump'}."
    with (tmp_path / "dump" / "smartcity_catalog" / "regions.bson").open("rb") as regions:
        assert [r["_id"] for r in bson.decode_file_iter(regions)] == ["12.07", "63.03"]

    elsewhere = tmp_path / "production"
    restored = smartcity("restore", str(tmp_path / "dump"), data_dir=elsewhere)
    assert restored.returncode == 0, restored.stderr
    assert "2 collections restored into the embedded store" in restored.stdout
    with (
        StoreServer(StoreFolder(elsewhere / "store")) as store,
        pymongo.MongoClient(store.uri) as client,
    ):
        regions = client.smartcity_catalog.regions
        names = [r["name"] for r in regions.find({}, sort=[("_id", 1)])]
        assert names == ["Deli Serdang", "Banjar"]
        assert "name_1" in regions.index_information()

    again = smartcity("restore", str(tmp_path / "dump"), data_dir=elsewhere)
    assert again.returncode == 1
    assert "holds data. Nothing was written; add --replace" in again.stderr
    refused = smartcity("backup", str(tmp_path / "dump"), data_dir=kept)
    assert refused.returncode == 1 and "is not empty" in refused.stderr


def test_a_damaged_dump_restores_nothing(kept: Path, tmp_path: Path) -> None:
    assert smartcity("backup", str(tmp_path / "dump"), data_dir=kept).returncode == 0
    damaged = tmp_path / "dump" / "smartcity_catalog" / "regions.bson"
    damaged.write_bytes(damaged.read_bytes()[:-5])
    restored = smartcity("restore", str(tmp_path / "dump"), data_dir=tmp_path / "empty")
    assert restored.returncode == 1
    assert restored.stderr.startswith(f"smartcity: {damaged} cannot be read (")
    assert not (tmp_path / "empty" / "store").exists()


def test_up_fresh_moves_the_kept_store_aside_and_says_where(kept: Path) -> None:
    held = free_port()
    with socket.socket() as holder:  # the gateway's port is taken: up stops there
        holder.bind(("127.0.0.1", held))
        holder.listen()
        started = smartcity("up", "--fresh", "--gateway-port", str(held), data_dir=kept)
    assert started.returncode == 1
    [said] = [line for line in started.stdout.splitlines() if line.startswith("Starting fresh")]
    [aside] = list((kept / "set-aside").iterdir())
    assert said == f"Starting fresh: moved aside {aside / 'store'}."
    assert (aside / "store").is_dir() and not (kept / "store").exists()
