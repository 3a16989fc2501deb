"""Compiling the gettext catalogues: each `.po` under `locale/` into the `.mo` beside it.

    python -m services.messages.catalogue

A test keeps every committed `.mo` equal to what its `.po` compiles to.
"""

from __future__ import annotations

import ast
import struct
import sys
from pathlib import Path

from services.messages import DOMAIN, LOCALES


def _unquoted(line: str) -> str:
    return ast.literal_eval(line.strip())  # a C-style "..." string, escapes included


def read_po(text: str) -> dict[str, str]:
    """msgid -> msgstr; a plural's msgid is `singular\\0plural` and its msgstr the forms
    joined by `\\0`, as the .mo format keeps them."""
    entries: dict[str, str] = {}
    fields: dict[str, str] = {}
    current = ""

    def finish() -> None:
        if "msgid" in fields:
            key = fields["msgid"]
            if "msgid_plural" in fields:
                key += "\0" + fields["msgid_plural"]
                forms = sorted(k for k in fields if k.startswith("msgstr["))
                entries[key] = "\0".join(fields[k] for k in forms)
            else:
                entries[key] = fields.get("msgstr", "")
        fields.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith('"'):
            fields[current] += _unquoted(line)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgid":
            finish()
        current = keyword
        fields[current] = _unquoted(rest)
    finish()
    return entries


def mo_bytes(entries: dict[str, str]) -> bytes:
    """The GNU .mo file of the entries (little-endian, no hash table)."""
    keys = sorted(entries)
    ids = [k.encode() for k in keys]
    strs = [entries[k].encode() for k in keys]
    start = 7 * 4 + 16 * len(keys)
    offsets, data = [], b""
    for text in ids:
        offsets.append((len(text), start + len(data)))
        data += text + b"\0"
    translated = []
    for text in strs:
        translated.append((len(text), start + len(data)))
        data += text + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, len(keys), 28, 28 + 8 * len(keys), 0, 0)
    table = b"".join(struct.pack("<2I", *o) for o in offsets)
    table += b"".join(struct.pack("<2I", *o) for o in translated)
    return header + table + data


def compiled() -> dict[Path, bytes]:
    return {
        po.with_suffix(".mo"): mo_bytes(read_po(po.read_text()))
        for po in sorted(LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    }


def main() -> int:
    for path, data in compiled().items():
        path.write_bytes(data)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
