"""The build needs no network beyond the Python packages: the browser files the suite serves
are committed at their pinned versions, and a clone, its sdist and the wheel made from that
sdist all carry them, built here with every proxy pointing nowhere and no package index."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from tools import vendored

ROOT = Path(__file__).resolve().parents[1]
NOWHERE = "http://127.0.0.1:9"  # the discard port: nothing listens there


def test_the_committed_browser_files_are_the_pinned_ones() -> None:
    assert vendored.problems() == []


def test_a_changed_or_missing_browser_file_is_reported(tmp_path: Path) -> None:
    pins = vendored.pins()
    for pin in pins:
        shutil.copytree(ROOT / pin.folder, tmp_path / pin.folder, dirs_exist_ok=True)
    changed, missing, *_ = (tmp_path / pins[0].folder / f["name"] for f in pins[0].files.values())
    changed.write_bytes(changed.read_bytes() + b"\n")
    missing.unlink()

    found = vendored.problems(tmp_path)

    assert found == [
        f"{pins[0].folder}/{changed.name} is not graphiql 4.1.2's package/graphiql.min.js",
        f"{pins[0].folder}/{missing.name} is missing (graphiql package/graphiql.min.css)",
    ]


def offline() -> dict[str, str]:
    proxies = {name: NOWHERE for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")}
    return {**os.environ, **proxies, "PIP_NO_INDEX": "1"}


def clone(into: Path) -> Path:
    """The project's files as a clone has them (tracked, or new and not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    for name in listed:
        if (ROOT / name).is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, into / name)
    return into


@pytest.mark.timeout(300)
def test_a_clone_builds_an_sdist_and_a_wheel_with_the_browser_files_and_no_network(
    tmp_path: Path,
) -> None:
    source = clone(tmp_path / "clone")
    sdist_dir, wheel_dir = tmp_path / "sdist", tmp_path / "wheel"
    build_sdist = f"from setuptools import build_meta; build_meta.build_sdist({str(sdist_dir)!r})"
    subprocess.run([sys.executable, "-c", build_sdist], cwd=source, env=offline(), check=True,
                   capture_output=True)  # fmt: skip
    [sdist] = sdist_dir.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path / "unpacked", filter="data")
    [unpacked] = (tmp_path / "unpacked").iterdir()
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", str(wheel_dir), str(unpacked)],
        env=offline(), check=True, capture_output=True,
    )  # fmt: skip
    [wheel] = wheel_dir.glob("*.whl")

    with zipfile.ZipFile(wheel) as built:
        shipped = {
            f"{pin.folder}/{file['name']}": hashlib.sha256(
                built.read(f"{pin.folder}/{file['name']}")
            ).hexdigest()
            for pin in vendored.pins()
            for file in pin.files.values()
        }
    assert shipped == {
        f"{pin.folder}/{file['name']}": file["sha256"]
        for pin in vendored.pins()
        for file in pin.files.values()
    }
