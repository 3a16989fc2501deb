"""The embedded stack behind `smartcity up`: every part a supervised process of its own
(`stack.supervisor`, which needs the `embedded` extra), and `smartcity serve`, one service
in its process, which a deployment runs without it."""

from services.stack.errors import StackError

__all__ = ["StackError"]
