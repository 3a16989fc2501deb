"""The build step pyproject.toml cannot declare: the browser files the suite serves but does
not write (GraphiQL, and the QR encoder of the console's token cards), taken at install time
from the npm registry at pinned versions, each tarball checked against the registry's sha512
integrity, and written into each package's `vendor/` folder so that the gateway serves them
with no network beyond itself.

A wheel gets the files in its build folder; an editable install (`pip install -e`) reads the
package from the source tree, so they are written there (git-ignored).
"""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import urllib.request
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
REGISTRY = "https://registry.npmjs.org"
# (package, version, the registry's dist.integrity, {file in its tarball: name here}), by the
# folder they are written to (a package, then the folder below it)
GRAPHIQL = ("services.gateway", "graphiql/vendor")
CONSOLE = ("services.console", "vendor")
# graphiql 4.1 is the last line with a build a plain <script> loads, on React 18
GRAPHIQL_FILES = (
    ("graphiql", "4.1.2",
     "sha512-rNlzQIAzm6i2KBXmVQWBgLvt0TloxFVB2d18bukvdsvjEuFDHsKx5IVOomL1W1o5WW+tE54+ioHb2AEKzO2cUg==",
     {"package/graphiql.min.js": "graphiql.min.js", "package/graphiql.min.css": "graphiql.min.css",
      "package/LICENSE": "graphiql.LICENSE"}),
    ("react", "18.3.1",
     "sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ==",
     {"package/umd/react.production.min.js": "react.production.min.js",
      "package/LICENSE": "react.LICENSE"}),
    ("react-dom", "18.3.1",
     "sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw==",
     {"package/umd/react-dom.production.min.js": "react-dom.production.min.js",
      "package/LICENSE": "react-dom.LICENSE"}),
)  # fmt: skip
# an ES module; its MIT licence is the header of the file itself
CONSOLE_FILES = (
    ("qrcode-generator", "2.0.4",
     "sha512-mZSiP6RnbHl4xL2Ap5HfkjLnmxfKcPWpWe/c+5XxCuetEenqmNFf1FH/ftXPCtFG5/TDobjsjz6sSNL0Sr8Z9g==",
     {"package/dist/qrcode.mjs": "qrcode.mjs"}),
)  # fmt: skip
PINNED = {GRAPHIQL: GRAPHIQL_FILES, CONSOLE: CONSOLE_FILES}


def _tarball(name: str, version: str, integrity: str) -> bytes:
    url = f"{REGISTRY}/{name}/-/{name}-{version}.tgz"
    with urllib.request.urlopen(url, timeout=120) as response:
        data: bytes = response.read()
    algorithm, _, expected = integrity.partition("-")
    if base64.b64encode(hashlib.new(algorithm, data).digest()).decode() != expected:
        raise RuntimeError(f"{url} is not the pinned {name} {version}: its {algorithm} differs")
    return data


def vendor_into(folder: Path, pinned: tuple) -> None:
    """The `pinned` files in `folder`, downloaded only when they are not there already."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp, pins = folder / ".pinned", "\n".join(f"{n}@{v} {i}" for n, v, i, _ in pinned)
    wanted = [folder / name for *_, files in pinned for name in files.values()]
    if stamp.exists() and stamp.read_text() == pins and all(f.is_file() for f in wanted):
        return
    for name, version, integrity, files in pinned:
        data = io.BytesIO(_tarball(name, version, integrity))
        with tarfile.open(fileobj=data, mode="r:gz") as archive:
            for member, target in files.items():
                extracted = archive.extractfile(member)
                if extracted is None:
                    raise RuntimeError(f"{name} {version} has no file {member}")
                (folder / target).write_bytes(extracted.read())
    stamp.write_text(pins)


class BuildWithVendored(build_py):
    def run(self) -> None:
        super().run()
        editable = getattr(self, "editable_mode", False)
        for (package, below), pinned in PINNED.items():
            root = HERE / self.get_package_dir(package) if editable else None
            built = root or Path(self.build_lib, *package.split("."))
            vendor_into(built / below, pinned)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:  # noqa: FBT001, FBT002
        vendored = [
            str(Path(self.build_lib, *package.split("."), below, name))
            for (package, below), pinned in PINNED.items()
            for *_, files in pinned
            for name in files.values()
        ]
        return [*super().get_outputs(include_bytecode), *vendored]


setup(cmdclass={"build_py": BuildWithVendored})
