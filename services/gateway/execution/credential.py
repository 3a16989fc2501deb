"""The gateway's signature on every request it forwards to a subgraph."""

from __future__ import annotations

import time

from services.kernel import auth

LIFETIME_SECONDS = 300


class GatewayCredential:
    """A short-lived credential, minted again once half its lifetime has passed."""

    def __init__(self, secret: str, lifetime_seconds: int = LIFETIME_SECONDS) -> None:
        self.secret = secret
        self.lifetime_seconds = lifetime_seconds
        self._current = ""
        self._renew_at = 0.0

    def header(self) -> dict[str, str]:
        now = time.monotonic()
        if now >= self._renew_at:
            self._current = auth.mint_gateway_credential(self.secret, self.lifetime_seconds)
            self._renew_at = now + self.lifetime_seconds / 2
        return {auth.GATEWAY_HEADER: self._current}
