"""Plain-text tables and a progress bar for the terminal."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Columns padded to their widest cell; numbers right-aligned, text left-aligned."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    numeric = [all(_is_number(row[i]) for row in rows) and rows for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        padded = (
            v.rjust(w) if numeric[i] else v.ljust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        )
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in cells)])


def counted(number: int, noun: str) -> str:
    """`1 problem`, `3 problems`: a count and its noun, as a sentence says them."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _is_number(value: object) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


class ProgressBar:
    """One line per stage, redrawn in place on a terminal and written once when done elsewhere."""

    WIDTH = 30

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.live = stream.isatty()
        self.name, self.done, self.total = "", 0, 0

    def stage(self, name: str, total: int) -> None:
        self._finish()
        self.name, self.done, self.total = name, 0, total
        self._draw()

    def advance(self, amount: int = 1) -> None:
        self.done += amount
        if self.live:
            self._draw()

    def close(self) -> None:
        self._finish()

    def _finish(self) -> None:
        if self.name:
            self._draw(final=True)
        self.name = ""

    def _draw(self, final: bool = False) -> None:
        if not (self.live or final):
            return
        filled = self.WIDTH * self.done // self.total if self.total else self.WIDTH
        bar = "#" * filled + "." * (self.WIDTH - filled)
        text = f"  {self.name:<18} [{bar}] {self.done}/{self.total}"
        self.stream.write(("\r" if self.live else "") + text + ("\n" if final else ""))
        self.stream.flush()
