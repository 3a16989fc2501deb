"""What one request to the gateway may ask: its size and tokens, then what its operation
may cost, by caller."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.kernel.query_limits import CallerLimits, edge_limits
from services.kernel.settings import Settings

MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_request_bytes: int = 256 * 1024
    max_tokens: int = 4_000  # parsing costs some 5-9 µs a token: at most ~35 ms
    query: CallerLimits = field(default_factory=lambda: edge_limits(Settings()))
    cache_bytes: int = 64 * MEGABYTE  # parsed documents, plans and persisted queries, each

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(query=edge_limits(settings))
