"""The `smartcity` command line."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

import httpx

from services.cli import backups, config, demo, events, local, plan, rules, transfer
from services.kernel import errors
from services.kernel.graphql_client import GraphQLFailure
from services.messages import _, speak_through_gettext
from services.stack import StackError


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="smartcity", description=_("The smartcity command line."))
    commands = root.add_subparsers(dest="command", required=True)
    for module in (local, config, demo, rules, plan, transfer, events, backups):
        module.add(commands)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Runs one command; what a user can cause ends in one line on stderr, not a traceback."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    speak_through_gettext()
    args = parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except KeyboardInterrupt:
        return 130
    except FileNotFoundError as missing:
        said = _("{file}: no such file").format(file=missing.filename)
        print(f"smartcity: {said}", file=sys.stderr)
        return 2
    except (StackError, GraphQLFailure, httpx.HTTPError, OSError, LookupError) as exc:
        print(f"smartcity: {exc}", file=sys.stderr)
        return 1
    except (errors.UserError, ValueError) as exc:
        print(f"smartcity: {exc}", file=sys.stderr)
        return 2
    return code
