"""Spreadsheet cells that cannot run: text a spreadsheet would read as a formula stays text.

A region name or a citizen's answer such as `=HYPERLINK(...)` would otherwise become a live
formula when an export is opened. CSV has no types, so such text gets a leading apostrophe,
as OWASP advises; an XLSX cell is written as text with Excel's quote prefix, which shows the
text as it was typed.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_a_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def inert(value: object) -> object:
    """The value for a CSV cell."""
    return f"'{value}" if looks_like_a_formula(value) else value
