"""Settings read once at start-up from a mapping (normally os.environ)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

IN_MEMORY_MONGO = "mongomock://localhost"


@dataclass(frozen=True)
class Settings:
    mongodb_uri: str = IN_MEMORY_MONGO
    nats_url: str = "nats://127.0.0.1:4222"
    jwt_secret: str | None = None
    data_dir: Path = Path(".smartcity")
    outbox_sweep_seconds: float = 1.0
    catalog_url: str = "http://127.0.0.1:4001/graphql"
    survey_url: str = "http://127.0.0.1:4002/graphql"
    scoring_url: str = "http://127.0.0.1:4003/graphql"
    rule_workers: int = 2
    rule_timeout_seconds: float = 10.0
    rule_worker_memory_mb: int = 1024  # each rules worker's heap; past it the worker is replaced
    subgraph_timeout_seconds: float = 10.0
    recompose_seconds: float = 60.0
    stream_replicas: int = 1
    max_query_cost: int = 100_000  # what one operation of a signed-in caller may cost
    max_anonymous_query_cost: int = 5_000
    request_deadline_seconds: float = 10.0  # a subgraph stops a query still running then
    token_max_days: int = 180  # the longest a bearer token may be valid (respondents': 120)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        defaults = cls()
        return cls(
            mongodb_uri=env.get("MONGODB_URI", defaults.mongodb_uri),
            nats_url=env.get("NATS_URL", defaults.nats_url),
            jwt_secret=env.get("SMARTCITY_JWT_SECRET") or None,
            data_dir=Path(env.get("SMARTCITY_DATA_DIR", str(defaults.data_dir))),
            outbox_sweep_seconds=float(
                env.get("SMARTCITY_OUTBOX_SWEEP_SECONDS", defaults.outbox_sweep_seconds)
            ),
            catalog_url=env.get("CATALOG_URL", defaults.catalog_url),
            survey_url=env.get("SURVEY_URL", defaults.survey_url),
            scoring_url=env.get("SCORING_URL", defaults.scoring_url),
            rule_workers=int(env.get("SMARTCITY_RULE_WORKERS", defaults.rule_workers)),
            rule_timeout_seconds=float(
                env.get("SMARTCITY_RULE_TIMEOUT_SECONDS", defaults.rule_timeout_seconds)
            ),
            rule_worker_memory_mb=int(
                env.get("SMARTCITY_RULE_WORKER_MEMORY_MB", defaults.rule_worker_memory_mb)
            ),
            subgraph_timeout_seconds=float(
                env.get("SMARTCITY_SUBGRAPH_TIMEOUT_SECONDS", defaults.subgraph_timeout_seconds)
            ),
            recompose_seconds=float(
                env.get("SMARTCITY_RECOMPOSE_SECONDS", defaults.recompose_seconds)
            ),
            stream_replicas=int(env.get("SMARTCITY_STREAM_REPLICAS", defaults.stream_replicas)),
            max_query_cost=int(env.get("SMARTCITY_MAX_QUERY_COST", defaults.max_query_cost)),
            max_anonymous_query_cost=int(
                env.get("SMARTCITY_MAX_ANONYMOUS_QUERY_COST", defaults.max_anonymous_query_cost)
            ),
            request_deadline_seconds=float(
                env.get("SMARTCITY_REQUEST_DEADLINE_SECONDS", defaults.request_deadline_seconds)
            ),
            token_max_days=int(env.get("SMARTCITY_TOKEN_MAX_DAYS", defaults.token_max_days)),
        )

    @property
    def token_max_seconds(self) -> int:
        return self.token_max_days * 24 * 3600

    @property
    def mongo_is_in_memory(self) -> bool:
        return self.mongodb_uri.startswith("mongomock://")

    def with_development_secret(self) -> Settings:
        """Fill a missing JWT secret from `data_dir/jwt-secret`, creating it once."""
        if self.jwt_secret:
            return self
        path = self.data_dir / "jwt-secret"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return replace(self, jwt_secret=path.read_text().strip())
