"""The words of the command line and the results letter: every message has its Bahasa
Indonesia in the gettext catalogue, the compiled catalogue is the one committed, and a user
whose language is Indonesian reads them."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from services.contracts import reference
from services.messages import LOCALES, catalogue

SERVICES = Path(__file__).resolve().parents[2] / "services"
# what speaks to users: the command line, the embedded stack, the demo, the results letter
SAYING = [SERVICES / part for part in ("cli", "stack", "demo", "scoring/letters")]
PO = LOCALES / "id" / "LC_MESSAGES" / "smartcity.po"


def said_in(source: str) -> set[str]:
    """The msgids of every `_("...")`, `N_("...")` (marked, translated where used) and
    `ngettext("...", "...", n)` in the source."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        texts = [a.value for a in node.args if isinstance(a, ast.Constant)]
        if node.func.id in ("_", "N_") and texts:
            found.add(texts[0])
        elif node.func.id == "ngettext" and len(texts) >= 2:
            found.add(f"{texts[0]}\0{texts[1]}")
    return found


def test_every_message_of_the_command_line_has_its_indonesian():
    said = set().union(*(said_in(p.read_text()) for d in SAYING for p in d.glob("*.py")))
    said |= {*reference.STAGE_NAMES.values(), *reference.COHORT_NAMES.values()}  # translated
    translated = catalogue.read_po(PO.read_text())
    assert len(said) > 40
    assert sorted(m for m in said if not translated.get(m, "").strip("\0")) == []


def test_a_message_missing_from_the_catalogue_is_found():
    said = said_in('print(_("{file}: valid").format(file=f)); _("not yet in any catalogue")'
                   '; N_("Nor this")')  # fmt: skip
    translated = catalogue.read_po(PO.read_text())
    assert sorted(m for m in said if m not in translated) == [
        "Nor this",
        "not yet in any catalogue",
    ]


def test_the_committed_compiled_catalogues_are_up_to_date():
    for path, data in catalogue.compiled().items():
        assert path.read_bytes() == data, "run `python -m services.messages.catalogue`, commit"


def test_a_user_whose_language_is_indonesian_reads_indonesian(tmp_path):
    env = {**os.environ, "LANG": "id_ID.UTF-8", "SMARTCITY_CONFIG_DIR": str(tmp_path)}
    env.pop("SMARTCITY_LANGUAGE", None)
    command = [sys.executable, "-m", "services.cli"]
    missing = subprocess.run([*command, "rules", "validate", str(tmp_path / "x.yaml")],
                             env=env, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert missing.stderr.strip() == f"smartcity: {tmp_path / 'x.yaml'}: berkas tidak ada"
    english = subprocess.run([*command, "config"], env=env | {"SMARTCITY_LANGUAGE": "en"},
                             capture_output=True, text=True, timeout=60)  # fmt: skip
    assert english.stdout.split()[:3] == ["setting", "value", "from"]


def test_the_command_lines_own_help_and_usage_errors_speak_indonesian_too(tmp_path):
    env = {**os.environ, "SMARTCITY_LANGUAGE": "id", "SMARTCITY_CONFIG_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "services.cli"]
    helped = subprocess.run([*command, "--help"], env=env, capture_output=True, text=True,
                            timeout=60)  # fmt: skip
    assert helped.stdout.startswith("penggunaan: smartcity")
    assert "jalankan satu siklus evaluasi utuh" in helped.stdout
    wrong = subprocess.run([*command, "rules"], env=env, capture_output=True, text=True,
                           timeout=60)  # fmt: skip
    assert wrong.returncode == 2
    assert wrong.stderr.splitlines()[-1] == (
        "smartcity rules: galat: argumen berikut wajib diisi: action"
    )
