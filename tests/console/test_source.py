"""The console's source: linted and formatted by Biome, and every file of it shipped."""

from __future__ import annotations

import fnmatch
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "services" / "console"
NOT_SHIPPED = {"__init__.py", "biome.json"}  # the package marker and the lint settings


def test_biome_finds_nothing_to_lint_or_format() -> None:
    biome = Path(sys.executable).with_name("biome")
    result = subprocess.run(
        [str(biome), "ci", "--colors=off", "."], cwd=CONSOLE, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_console_file_is_matched_by_the_package_data_however_deep() -> None:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = settings["tool"]["setuptools"]["package-data"]["services.console"]
    assert all(p.startswith("**/") for p in patterns), "a pattern that is not recursive"
    files = [p.relative_to(CONSOLE) for p in CONSOLE.rglob("*") if p.is_file()]
    unshipped = [
        str(f) for f in files
        if f.name not in NOT_SHIPPED and "__pycache__" not in f.parts
        and not any(fnmatch.fnmatch(f.name, p.removeprefix("**/")) for p in patterns)
    ]  # fmt: skip
    assert files and unshipped == []
