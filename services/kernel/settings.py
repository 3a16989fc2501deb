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
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

IN_MEMORY_MONGO = "mongomock://localhost"
SECRET_FILE = "jwt-secret"
VARIABLE = "environment variable"


def setting(variable: str, default: Any = None, *, factory: Any = None) -> Any:
    """A setting's field: its default (or `factory`), and the environment variable that
    sets it, declared once."""
    if factory is not None:
        return field(default_factory=factory, metadata={VARIABLE: variable})
    return field(default=default, metadata={VARIABLE: variable})


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
    mongodb_uri: str = setting("MONGODB_URI", IN_MEMORY_MONGO)
    nats_url: str = setting("NATS_URL", "nats://127.0.0.1:4222")
    jwt_secret: str | None = setting("SMARTCITY_JWT_SECRET", None)
    data_dir: Path = setting("SMARTCITY_DATA_DIR", factory=lambda: data_folder(os.environ))
    config_dir: Path = setting("SMARTCITY_CONFIG_DIR", factory=lambda: config_folder(os.environ))
    outbox_sweep_seconds: float = setting("SMARTCITY_OUTBOX_SWEEP_SECONDS", 1.0)
    catalog_url: str = setting("CATALOG_URL", "http://127.0.0.1:4001/graphql")
    survey_url: str = setting("SURVEY_URL", "http://127.0.0.1:4002/graphql")
    scoring_url: str = setting("SCORING_URL", "http://127.0.0.1:4003/graphql")
    # `name=url,...`: the gateway composes these instead of the three
    subgraphs: str = setting("SMARTCITY_SUBGRAPHS", "")
    # a supergraph file (join spec) the gateway serves instead
    supergraph: str = setting("SMARTCITY_SUPERGRAPH", "")
    rule_workers: int = setting("SMARTCITY_RULE_WORKERS", 2)
    rule_timeout_seconds: float = setting("SMARTCITY_RULE_TIMEOUT_SECONDS", 10.0)
    # each rules worker's heap; past it the worker is replaced
    rule_worker_memory_mb: int = setting("SMARTCITY_RULE_WORKER_MEMORY_MB", 1024)
    subgraph_timeout_seconds: float = setting("SMARTCITY_SUBGRAPH_TIMEOUT_SECONDS", 10.0)
    recompose_seconds: float = setting("SMARTCITY_RECOMPOSE_SECONDS", 60.0)
    stream_replicas: int = setting("SMARTCITY_STREAM_REPLICAS", 1)
    # what one operation of admins and the ministry may cost
    max_query_cost: int = setting("SMARTCITY_MAX_QUERY_COST", 100_000)
    # of region operators, assessors, citizens...
    max_signed_in_query_cost: int = setting("SMARTCITY_MAX_SIGNED_IN_QUERY_COST", 20_000)
    max_anonymous_query_cost: int = setting("SMARTCITY_MAX_ANONYMOUS_QUERY_COST", 2_000)
    # a subgraph stops a query still running then
    request_deadline_seconds: float = setting("SMARTCITY_REQUEST_DEADLINE_SECONDS", 10.0)
    # the longest a bearer token may be valid (respondents': 120)
    token_max_days: int = setting("SMARTCITY_TOKEN_MAX_DAYS", 180)
    # an event a consumer took and did not acknowledge
    redelivery_seconds: float = setting("SMARTCITY_REDELIVERY_SECONDS", 30.0)
    # a connection's time to send a request's headers
    header_timeout_seconds: float = setting("SMARTCITY_HEADER_TIMEOUT_SECONDS", 10.0)
    # a client address's connections to one process
    max_connections_per_client: int = setting("SMARTCITY_MAX_CONNECTIONS_PER_CLIENT", 256)
    # the embedded store (`smartcity up`) kept under DATA_DIR/store: each write journalled and
    # flushed to the disk (fsync), or only to the operating system (flush), or not kept (off)
    store_journal: str = setting("SMARTCITY_STORE_JOURNAL", "fsync")
    # subscriptions at the gateway: one caller's (a token's subject, else an address), all
    subscriptions_per_client: int = setting("SMARTCITY_SUBSCRIPTIONS_PER_CLIENT", 16)
    max_subscriptions: int = setting("SMARTCITY_MAX_SUBSCRIPTIONS", 2_000)
    # /metrics for its bearer; unset: for this machine only
    metrics_token: str | None = setting("SMARTCITY_METRICS_TOKEN", None)

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
    def store_is_kept(self) -> bool:
        """The embedded store keeps its data on disk between runs."""
        return self.mongo_is_in_memory and self.store_journal != "off"

    @property
    def store_folder(self) -> Path:
        return self.data_dir / "store"

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


def _parsed(default: object, raw: str) -> object:
    """`raw` as the type of the setting's default (text when the default is None)."""
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, Path):
        return Path(raw)
    return raw


# each setting's environment variable, as its field declares it
ENVIRONMENT = {f.name: f.metadata[VARIABLE] for f in fields(Settings)}
