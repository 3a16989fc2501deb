"""Which characters plain text may hold.

A name with a NUL, a bell, a right-to-left override (U+202E, which shows `exe.txt` as
`txt.exe`), a zero-width space or a byte order mark looks like another name, or breaks what
later reads it. So text may hold no character of the Unicode categories of controls (Cc),
format characters (Cf: bidi marks, zero-width characters, tags), private use (Co),
surrogates (Cs), unassigned code points (Cn) or line and paragraph separators (Zl, Zp), nor
the characters that show as nothing while being letters or marks (Hangul fillers, the
combining grapheme joiner, variation selectors). Tab, line feed and carriage return stay:
notes and rule sets are multi-line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ASCII_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # less tab, LF and CR
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
INVISIBLE = frozenset(
    "\u034f\u115f\u1160\u3164\uffa0"  # combining grapheme joiner, Hangul fillers
    + "".join(map(chr, range(0xFE00, 0xFE10)))  # variation selectors
    + "".join(map(chr, range(0xE0100, 0xE01F0)))  # their supplement
)
LINE_BREAKS = frozenset("\t\n\r")


def first_refused(text: str) -> str | None:
    """The first character plain text may not hold, if any."""
    if text.isascii():
        found = ASCII_CONTROLS.search(text)
        return found.group() if found else None
    for character in text:
        if character in LINE_BREAKS:
            continue
        if character in INVISIBLE or unicodedata.category(character) in REFUSED_CATEGORIES:
            return character
    return None


@dataclass(frozen=True)
class Unprintable:
    field: str
    character: str

    @property
    def message(self) -> str:
        return (
            f"{self.field} holds the character U+{ord(self.character):04X}; "
            "text may not hold control, invisible or bidi characters"
        )


def unprintable_in(path: str, value: Any) -> Unprintable | None:
    """The first character plain text may not hold in `value` or what it holds, and where."""
    if isinstance(value, str):
        found = first_refused(value)
        return Unprintable(path, found) if found else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            inner = unprintable_in(f"{path}.{key}", item) or unprintable_in(
                f"{path}.{key}", str(key)
            )
            if inner:
                return inner
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            inner = unprintable_in(f"{path}[{index}]", item)
            if inner:
                return inner
    return None
