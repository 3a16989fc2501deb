"""The layering of docs/architecture.md holds (`lint-imports`, with the contracts in
pyproject.toml), and each contract is shown to fail on an import that breaks it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
# contract id -> (a module of a copy of the suite, the import appended to it that breaks it)
BREAKS = {
    "services-independent": ("services/catalog/handlers/regions.py", "services.scoring.access"),
    "shared-below-services": ("services/kernel/clock.py", "services.survey.domain"),
    "contracts-declare-only": ("services/contracts/reference.py", "services.kernel.mongo"),
    "tools-through-the-api": ("services/cli/cycles.py", "services.catalog.domain"),
    "service-layers": ("services/scoring/domain/ranking.py", "services.scoring.handlers.scorer"),
    "services-without-embedded": ("services/survey/storage.py", "services.embedded.memorystore"),
    "gateway-rooms": (
        "services/gateway/composition/supergraph.py",
        "services.gateway.planning.planner",
    ),
    "gateway-rooms-below-the-edge": (
        "services/gateway/planning/query_plan.py",
        "services.gateway.edge.limits",
    ),
}


def lint_imports(root: Path, *contracts: str) -> subprocess.CompletedProcess[str]:
    chosen = [argument for c in contracts for argument in ("--contract", c)]
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", *chosen, str(root / "pyproject.toml")],
        cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, capture_output=True, text=True,
    )  # fmt: skip


def test_every_contract_is_kept() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(BREAKS)} kept, 0 broken." in result.stdout


def test_every_contract_is_proven_by_an_import_that_breaks_it() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())
    ids = {c["id"] for c in declared["tool"]["importlinter"]["contracts"]}
    assert ids == set(BREAKS)


def python_only(folder: str, names: list[str]) -> list[str]:
    return [n for n in names if (not n.endswith(".py") and not (Path(folder) / n).is_dir())
            or n == "__pycache__"]  # fmt: skip


@pytest.mark.parametrize("contract", sorted(BREAKS))
def test_a_bad_import_breaks_the_contract(contract: str, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "services", tmp_path / "services", ignore=python_only)
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    module, imported = BREAKS[contract]
    with (tmp_path / module).open("a") as source:
        source.write(f"\nimport {imported}  # noqa: E402, F401\n")

    result = lint_imports(tmp_path, contract)

    assert result.returncode == 1, result.stdout
    assert "0 kept, 1 broken" in result.stdout
    assert imported in result.stdout  # the report names the import at fault
