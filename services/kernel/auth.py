"""Bearer JWT identities (HS256) and the role and scope checks every mutation makes."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import jwt

from services.kernel import errors, secret_strength

ALGORITHM = "HS256"
ISSUER = "smartcity"
# the gateway vouches for the requests it forwards, so a subgraph serves anonymous reads
# only to requests that came through it
GATEWAY_HEADER = "smartcity-gateway"
GATEWAY_AUDIENCE = "smartcity-subgraphs"
GATEWAY_SUBJECT = "gateway"


class Role(StrEnum):
    ADMIN = "admin"
    MINISTRY = "ministry"
    REGION_OPERATOR = "region_operator"
    ASSESSOR = "assessor"
    ENUMERATOR = "enumerator"  # issues citizens' respondent tokens in one region
    RESPONDENT = "respondent"


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role | None
    region: str | None = None
    regions: frozenset[str] = field(default_factory=frozenset)
    campaign: str | None = None
    sub_dimension: str | None = None
    expires_at: int | None = None

    @property
    def is_anonymous(self) -> bool:
        return self.role is None

    def require_role(self, *roles: Role) -> None:
        if self.is_anonymous:
            raise errors.Unauthenticated("a valid bearer token is required")
        if self.role not in roles:
            allowed = ", ".join(sorted(roles))
            raise errors.Forbidden(f"role {self.role} may not do this (needs one of: {allowed})")

    def require_region_writer(self, region_code: str, field: str = "regionCode") -> None:
        """Admins write any region; a region operator writes its own region only."""
        self.require_role(Role.ADMIN, Role.REGION_OPERATOR)
        if self.role is Role.REGION_OPERATOR and self.region != region_code:
            raise errors.Forbidden(
                f"a region operator of {self.region} may not change region {region_code}", field
            )


ANONYMOUS = Principal(subject="anonymous", role=None)


def mint(
    secret: str,
    role: Role,
    *,
    subject: str | None = None,
    region: str | None = None,
    regions: list[str] | None = None,
    campaign: str | None = None,
    sub_dimension: str | None = None,
    ttl_seconds: int = 12 * 3600,
) -> str:
    if role in (Role.REGION_OPERATOR, Role.ENUMERATOR) and not region:
        raise errors.BadUserInput(f"a {role.replace('_', ' ')} token needs a region", "region")
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": ISSUER,
        "sub": subject or f"dev-{role}",
        "role": str(role),
        "iat": now,
        "exp": now + ttl_seconds,
    }
    if region:
        claims["region"] = region
    if regions:
        claims["regions"] = sorted(regions)
    if campaign:
        claims["campaign"] = campaign
    if sub_dimension:
        claims["sub_dimension"] = sub_dimension
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


MIN_SECRET_BYTES = 32
MIN_SECRET_BITS = 8 * MIN_SECRET_BYTES
PLACEHOLDER_WORDS = ("replace", "change", "example", "placeholder", "secret", "todo")


class UnusableSecret(ValueError):
    """The JWT secret a process was given cannot sign its tokens safely."""


def signing_secret(secret: str | None, owner: str) -> str:
    """The secret `owner` (a service, the gateway) signs and verifies tokens with, once it is
    found fit; the one place a secret is judged."""
    problem = secret_problem(secret)
    if problem or not secret:
        raise UnusableSecret(f"{owner}: {problem}")
    return secret


def secret_problem(secret: str | None) -> str | None:
    """Why a JWT secret must not be used: too short to resist guessing, a placeholder left in
    a template (`REPLACE: openssl rand -base64 48` is 32 bytes long), or with less randomness
    than 32 random bytes."""
    if not secret:
        return "SMARTCITY_JWT_SECRET is required"
    if len(secret.encode()) < MIN_SECRET_BYTES:
        return f"SMARTCITY_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes of random data"
    lowered = secret.lower()
    if (
        any(word in lowered for word in PLACEHOLDER_WORDS)
        or any(c.isspace() for c in secret)
        or len(set(secret)) < 12
    ):
        return (
            "SMARTCITY_JWT_SECRET looks like a placeholder; make one with `openssl rand -base64 48`"
        )
    bits = secret_strength.estimated_bits(secret)
    if bits < MIN_SECRET_BITS:
        return (
            f"SMARTCITY_JWT_SECRET can be guessed: it holds about {bits:.0f} bits of randomness "
            f"where 32 random bytes hold {MIN_SECRET_BITS} (keyboard rows, runs and repeats "
            "count for little); make one with `openssl rand -base64 48`"
        )
    return None


REQUIRED_CLAIMS = ["exp", "iat", "sub", "iss"]
MAX_LIFETIME_SECONDS = 180 * 24 * 3600  # respondent tokens live 120 days


def _decode(token: str, secret: str, audience: str | None = None) -> dict[str, Any]:
    """The claims of a token signed with `secret`; a token with an audience only for it."""
    required = [*REQUIRED_CLAIMS, "aud"] if audience else REQUIRED_CLAIMS
    claims: dict[str, Any] = jwt.decode(
        token, secret, algorithms=[ALGORITHM], issuer=ISSUER, audience=audience,
        options={"require": required},
    )  # fmt: skip
    return claims


def verify(token: str, secret: str, max_lifetime: int = MAX_LIFETIME_SECONDS) -> Principal:
    """A token signed with `secret`, issued in the past (PyJWT checks) and valid for at most
    `max_lifetime` seconds from then: a token that never expires is a password."""
    try:
        claims = _decode(token, secret)
        role = Role(str(claims.get("role")))
        issued, expires = int(claims["iat"]), int(claims["exp"])
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise errors.Unauthenticated(f"invalid bearer token: {exc}") from None
    if expires - issued > max_lifetime:
        days = max_lifetime // (24 * 3600)
        raise errors.Unauthenticated(
            f"invalid bearer token: it is valid for longer than {days} days"
        )
    return Principal(
        subject=str(claims["sub"]),
        role=role,
        region=claims.get("region"),
        regions=frozenset(claims.get("regions", ())),
        campaign=claims.get("campaign"),
        sub_dimension=claims.get("sub_dimension"),
        expires_at=int(claims["exp"]),
    )


def principal_from_header(
    authorization: str | None, secret: str, max_lifetime: int = MAX_LIFETIME_SECONDS
) -> Principal:
    if not authorization:
        return ANONYMOUS
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise errors.Unauthenticated("the Authorization header must be 'Bearer <token>'")
    return verify(token.strip(), secret, max_lifetime)


def mint_gateway_credential(secret: str, ttl_seconds: int) -> str:
    """The gateway's signature on the requests it forwards; no role, so never a bearer."""
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": GATEWAY_SUBJECT,
        "aud": GATEWAY_AUDIENCE,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify_gateway_credential(credential: str, secret: str) -> None:
    try:
        claims = _decode(credential, secret, GATEWAY_AUDIENCE)
    except jwt.PyJWTError as exc:
        raise errors.Unauthenticated(f"invalid gateway credential: {exc}") from None
    if claims["sub"] != GATEWAY_SUBJECT:
        raise errors.Unauthenticated("invalid gateway credential: not the gateway's")


def caller_of_subgraph(
    authorization: str | None,
    gateway: str | None,
    secret: str,
    max_lifetime: int = MAX_LIFETIME_SECONDS,
) -> Principal:
    """Who calls a subgraph: a bearer token's holder, or an anonymous caller the gateway
    forwarded; a request with neither is refused even on a public field."""
    if authorization:
        return principal_from_header(authorization, secret, max_lifetime)
    if not gateway:
        raise errors.Unauthenticated(
            "a bearer token is required; anonymous callers read through the gateway"
        )
    verify_gateway_credential(gateway, secret)
    return ANONYMOUS
