"""The console's words: every message it shows is in both catalogues, Bahasa Indonesia and
English, and neither holds a message the other lacks."""

from __future__ import annotations

import json
import re
from pathlib import Path

CONSOLE = Path(__file__).resolve().parents[2] / "services" / "console"
NAMED = re.compile(r"""\bt\(\s*"([^"]+)\"""")  # t("region.final")
BUILT = re.compile(r"""\bt\(\s*`([a-zA-Z.]+)\.\$\{""")  # t(`role.${claims.role}`)
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def catalogue(language: str) -> dict[str, str]:
    found: dict[str, str] = json.loads((CONSOLE / "i18n" / f"{language}.json").read_text())
    return found


def used() -> tuple[set[str], set[str]]:
    """The keys the source names, and the prefixes of the keys it builds."""
    source = "\n".join(p.read_text() for p in (CONSOLE / "js").rglob("*.js"))
    return set(NAMED.findall(source)), set(BUILT.findall(source))


def test_both_catalogues_hold_the_same_messages_with_the_same_placeholders():
    english, indonesian = catalogue("en"), catalogue("id")
    assert set(english) == set(indonesian)
    for key, text in english.items():
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(indonesian[key])), key
        assert indonesian[key].strip(), key


def test_every_message_the_console_shows_is_in_the_catalogues():
    keys, prefixes = used()
    assert keys and prefixes
    known = set(catalogue("id"))
    assert sorted(keys - known) == []
    assert sorted(p for p in prefixes if not any(k.startswith(f"{p}.") for k in known)) == []


def test_a_missing_message_is_caught():
    keys, _ = used()
    trimmed = dict(catalogue("id"))
    trimmed.pop(sorted(keys)[0])
    assert sorted(keys - set(trimmed))  # what the test above would report
