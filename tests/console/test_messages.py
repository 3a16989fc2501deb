"""The screens' words: every message the console and the citizens' survey show is in both
catalogues of its screen, Bahasa Indonesia and English, and neither holds a message the
other lacks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[2] / "services"
SCREENS = {"console": SERVICES / "console", "survey": SERVICES / "citizen_survey"}
NAMED = re.compile(r"""\bt\(\s*"([^"]+)\"""")  # t("region.final")
BUILT = re.compile(r"""\bt\(\s*`([a-zA-Z.]+)\.\$\{""")  # t(`role.${claims.role}`)
PLACEHOLDER = re.compile(r"\{(\w+)\}")

screens = pytest.mark.parametrize("screen", SCREENS.values(), ids=SCREENS.keys())


def catalogue(screen: Path, language: str) -> dict[str, str]:
    found: dict[str, str] = json.loads((screen / "i18n" / f"{language}.json").read_text())
    return found


def used(screen: Path) -> tuple[set[str], set[str]]:
    """The keys the source names, and the prefixes of the keys it builds."""
    scripts = [p for p in screen.rglob("*.js") if "vendor" not in p.parts]
    source = "\n".join(p.read_text() for p in scripts)
    return set(NAMED.findall(source)), set(BUILT.findall(source))


@screens
def test_both_catalogues_hold_the_same_messages_with_the_same_placeholders(screen: Path):
    english, indonesian = catalogue(screen, "en"), catalogue(screen, "id")
    assert set(english) == set(indonesian)
    for key, text in english.items():
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(indonesian[key])), key
        assert indonesian[key].strip(), key


@screens
def test_every_message_the_screen_shows_is_in_the_catalogues(screen: Path):
    keys, prefixes = used(screen)
    assert keys
    known = set(catalogue(screen, "id"))
    assert sorted(keys - known) == []
    assert sorted(p for p in prefixes if not any(k.startswith(f"{p}.") for k in known)) == []


def test_a_missing_message_is_caught():
    keys, _ = used(SCREENS["console"])
    trimmed = dict(catalogue(SCREENS["console"], "id"))
    trimmed.pop(sorted(keys)[0])
    assert sorted(keys - set(trimmed))  # what the test above would report
