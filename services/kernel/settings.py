"""Settings read once at start-up from a mapping (normally os.environ).

What the suite keeps on this machine lives in the user's folders, never the current one, so
that every command finds it from anywhere: its settings (the development JWT secret, the
gateway `smartcity up` serves) in the XDG config folder, its data (the stream, the running
stack's state) in the XDG data folder.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

IN_MEMORY_MONGO = "mongomock://localhost"
SECRET_FILE = "jwt-secret"


def config_folder(env: Mapping[str, str]) -> Path:
    """SMARTCITY_CONFIG_DIR, else $XDG_CONFIG_HOME/smartcity, else ~/.config/smartcity."""
    return _folder(env, "SMARTCITY_CONFIG_DIR", "XDG_CONFIG_HOME", ".config")


def data_folder(env: Mapping[str, str]) -> Path:
    """SMARTCITY_DATA_DIR, else $XDG_DATA_HOME/smartcity, else ~/.local/share/smartcity."""
    return _folder(env, "SMARTCITY_DATA_DIR", "XDG_DATA_HOME", ".local/share")


def _folder(env: Mapping[str, str], own: str, xdg: str, under_home: str) -> Path:
    if env.get(own):
        return Path(env[own])
    home = Path(env.get("HOME") or Path.home())
    return Path(env.get(xdg) or home / under_home) / "smartcity"


@dataclass(frozen=True)
class Settings:
    mongodb_uri: str = IN_MEMORY_MONGO
    nats_url: str = "nats://127.0.0.1:4222"
    jwt_secret: str | None = None
    data_dir: Path = field(default_factory=lambda: data_folder(os.environ))
    config_dir: Path = field(default_factory=lambda: config_folder(os.environ))
    outbox_sweep_seconds: float = 1.0
    catalog_url: str = "http://127.0.0.1:4001/graphql"
    survey_url: str = "http://127.0.0.1:4002/graphql"
    scoring_url: str = "http://127.0.0.1:4003/graphql"
    subgraphs: str = ""  # `name=url,...`: the gateway composes these instead of the three
    supergraph: str = ""  # a supergraph file (join spec) the gateway serves instead
    rule_workers: int = 2
    rule_timeout_seconds: float = 10.0
    rule_worker_memory_mb: int = 1024  # each rules worker's heap; past it the worker is replaced
    subgraph_timeout_seconds: float = 10.0
    recompose_seconds: float = 60.0
    stream_replicas: int = 1
    max_query_cost: int = 100_000  # what one operation of admins and the ministry may cost
    max_signed_in_query_cost: int = 20_000  # of region operators, assessors, citizens...
    max_anonymous_query_cost: int = 2_000
    request_deadline_seconds: float = 10.0  # a subgraph stops a query still running then
    token_max_days: int = 180  # the longest a bearer token may be valid (respondents': 120)
    redelivery_seconds: float = 30.0  # an event a consumer took and did not acknowledge
    header_timeout_seconds: float = 10.0  # a connection's time to send a request's headers
    max_connections_per_client: int = 256  # a client address's connections to one process
    metrics_token: str | None = None  # /metrics for its bearer; unset: for this machine only

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        defaults = cls()
        values: dict[str, Any] = {"data_dir": data_folder(env), "config_dir": config_folder(env)}
        for name, variable in ENVIRONMENT.items():
            raw = env.get(variable)
            if raw:  # unset or empty: the default
                values[name] = _parsed(getattr(defaults, name), raw)
        return cls(**values)

    def as_env(self) -> dict[str, str]:
        """The environment that `from_env` reads back into these settings (for a child
        process)."""
        return {
            variable: str(getattr(self, name))
            for name, variable in ENVIRONMENT.items()
            if getattr(self, name) is not None
        }

    @property
    def token_max_seconds(self) -> int:
        return self.token_max_days * 24 * 3600

    @property
    def mongo_is_in_memory(self) -> bool:
        return self.mongodb_uri.startswith("mongomock://")

    @property
    def secret_file(self) -> Path:
        return self.config_dir / SECRET_FILE

    def with_development_secret(self) -> Settings:
        """Fill a missing JWT secret from the user's config folder, creating it once."""
        if self.jwt_secret:
            return self
        path = self.secret_file
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(48))
        return replace(self, jwt_secret=path.read_text().strip())


ENVIRONMENT = {
    "mongodb_uri": "MONGODB_URI",
    "nats_url": "NATS_URL",
    "jwt_secret": "SMARTCITY_JWT_SECRET",
    "data_dir": "SMARTCITY_DATA_DIR",
    "config_dir": "SMARTCITY_CONFIG_DIR",
    "outbox_sweep_seconds": "SMARTCITY_OUTBOX_SWEEP_SECONDS",
    "catalog_url": "CATALOG_URL",
    "survey_url": "SURVEY_URL",
    "scoring_url": "SCORING_URL",
    "subgraphs": "SMARTCITY_SUBGRAPHS",
    "supergraph": "SMARTCITY_SUPERGRAPH",
    "rule_workers": "SMARTCITY_RULE_WORKERS",
    "rule_timeout_seconds": "SMARTCITY_RULE_TIMEOUT_SECONDS",
    "rule_worker_memory_mb": "SMARTCITY_RULE_WORKER_MEMORY_MB",
    "subgraph_timeout_seconds": "SMARTCITY_SUBGRAPH_TIMEOUT_SECONDS",
    "recompose_seconds": "SMARTCITY_RECOMPOSE_SECONDS",
    "stream_replicas": "SMARTCITY_STREAM_REPLICAS",
    "max_query_cost": "SMARTCITY_MAX_QUERY_COST",
    "max_signed_in_query_cost": "SMARTCITY_MAX_SIGNED_IN_QUERY_COST",
    "max_anonymous_query_cost": "SMARTCITY_MAX_ANONYMOUS_QUERY_COST",
    "request_deadline_seconds": "SMARTCITY_REQUEST_DEADLINE_SECONDS",
    "token_max_days": "SMARTCITY_TOKEN_MAX_DAYS",
    "redelivery_seconds": "SMARTCITY_REDELIVERY_SECONDS",
    "header_timeout_seconds": "SMARTCITY_HEADER_TIMEOUT_SECONDS",
    "max_connections_per_client": "SMARTCITY_MAX_CONNECTIONS_PER_CLIENT",
    "metrics_token": "SMARTCITY_METRICS_TOKEN",
}


def _parsed(default: object, raw: str) -> object:
    """`raw` as the type of the setting's default (text when the default is None)."""
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, Path):
        return Path(raw)
    return raw
