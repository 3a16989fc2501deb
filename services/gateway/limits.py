"""What one request to the gateway may ask: its size and tokens, then what its operation
may cost, by caller."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.kernel.query_limits import CallerLimits, caller_limits
from services.kernel.settings import Settings

MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_request_bytes: int = 256 * 1024
    max_tokens: int = 4_000  # parsing costs some 5-9 µs a token: at most ~35 ms
    query: CallerLimits = field(
        default_factory=lambda: caller_limits(
            Settings.max_query_cost, Settings.max_anonymous_query_cost
        )
    )
    cache_bytes: int = 64 * MEGABYTE  # parsed documents, plans and persisted queries, each

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(query=caller_limits(settings.max_query_cost, settings.max_anonymous_query_cost))
