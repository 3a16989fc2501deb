"""The screens' source (the console, the citizens' survey and what both share): linted and
formatted by Biome, and every file of it shipped."""

from __future__ import annotations

import fnmatch
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "services" / "console"
SCREENS = {"services.console": CONSOLE, "services.citizen_survey": ROOT / "services" / "citizen_survey",
           "services.web_common": ROOT / "services" / "web_common"}  # fmt: skip
NOT_SHIPPED = {"__init__.py", "biome.json"}  # package marker, lint settings


@pytest.mark.parametrize("folder", SCREENS.values(), ids=SCREENS.keys())
def test_biome_finds_nothing_to_lint_or_format(folder: Path) -> None:
    biome = Path(sys.executable).with_name("biome")
    settings = CONSOLE / "biome.json"
    result = subprocess.run(
        [str(biome), "ci", "--colors=off", f"--config-path={settings}", "."],
        cwd=folder, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("package", "folder"), SCREENS.items(), ids=SCREENS.keys())
def test_every_file_is_matched_by_the_package_data_however_deep(package: str, folder: Path) -> None:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = settings["tool"]["setuptools"]["package-data"][package]
    assert all(p.startswith("**/") for p in patterns), "a pattern that is not recursive"
    files = [p.relative_to(folder) for p in folder.rglob("*") if p.is_file()]
    unshipped = [
        str(f) for f in files
        if f.name not in NOT_SHIPPED and "__pycache__" not in f.parts
        and not any(fnmatch.fnmatch(f.name, p.removeprefix("**/")) for p in patterns)
    ]  # fmt: skip
    assert files and unshipped == []
