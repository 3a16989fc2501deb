"""The embedded stack behind `smartcity up`: every part a supervised process of its own."""

from services.stack.errors import StackError
from services.stack.supervisor import Ports, Started, run, running

__all__ = ["Ports", "StackError", "Started", "run", "running"]
