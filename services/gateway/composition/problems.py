"""What composition reports: each problem with the code the reference composers give it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    code: str
    message: str

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class CompositionError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("composition failed:\n" + "\n".join(f"  {p}" for p in problems))


def names(subgraphs: Iterable[str]) -> str:
    return ", ".join(sorted(subgraphs))
