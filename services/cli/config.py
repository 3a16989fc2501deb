"""`smartcity config`: the suite's settings on this machine and where each comes from.

Commands find them from any folder: the environment first, then the user's config folder
(`smartcity up` records there the gateway it serves, while it runs), then the defaults.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from services.cli.output import table
from services.kernel.settings import Settings, config_folder
from services.messages import _

DEFAULT_GATEWAY = "http://127.0.0.1:4000/graphql"
GATEWAY_FILE = "gateway-url"


def add(commands: Any) -> None:
    shown = commands.add_parser("config", help=_("the settings on this machine and their sources"))
    shown.set_defaults(run=_config)


def gateway_url(env: Mapping[str, str]) -> tuple[str, str]:
    """The gateway commands talk to, and where that came from."""
    if env.get("SMARTCITY_GATEWAY_URL"):
        return env["SMARTCITY_GATEWAY_URL"], "SMARTCITY_GATEWAY_URL"
    recorded = config_folder(env) / GATEWAY_FILE
    url = recorded.read_text().strip() if recorded.exists() else ""
    if url:
        return url, str(recorded)
    return DEFAULT_GATEWAY, _("default")


@contextlib.contextmanager
def recorded_gateway(settings: Settings, url: str) -> Iterator[None]:
    """While `smartcity up` runs, the gateway it serves is every command's default."""
    settings.config_dir.mkdir(parents=True, exist_ok=True)
    recorded = settings.config_dir / GATEWAY_FILE
    recorded.write_text(url + "\n")
    try:
        yield
    finally:
        if recorded.exists() and recorded.read_text().strip() == url:
            recorded.unlink()


def _variable_source(env: Mapping[str, str], variable: str) -> str:
    return variable if env.get(variable) else _("default")


def _folder_source(env: Mapping[str, str], own: str, xdg: str) -> str:
    if env.get(own):
        return own
    return xdg if env.get(xdg) else _("default")


def _config(args: argparse.Namespace) -> int:
    env = os.environ
    settings = Settings.from_env(env)
    secret_file: Path = settings.secret_file
    if env.get("SMARTCITY_JWT_SECRET"):
        secret = (_("set"), "SMARTCITY_JWT_SECRET")
    elif secret_file.exists():
        secret = (_("set"), str(secret_file))
    else:
        made = _("{file}, made by the first command that needs it").format(file=secret_file)
        secret = (_("not made yet"), made)
    gateway, gateway_from = gateway_url(env)
    rows = [
        (_("JWT secret"), *secret),
        (_("gateway"), gateway, gateway_from),
        (_("config folder"), str(settings.config_dir),
         _folder_source(env, "SMARTCITY_CONFIG_DIR", "XDG_CONFIG_HOME")),
        (_("data folder"), str(settings.data_dir),
         _folder_source(env, "SMARTCITY_DATA_DIR", "XDG_DATA_HOME")),
        ("MongoDB", settings.mongodb_uri, _variable_source(env, "MONGODB_URI")),
        ("NATS", settings.nats_url, _variable_source(env, "NATS_URL")),
    ]  # fmt: skip
    print(table((_("setting"), _("value"), _("from")), rows))
    return 0
