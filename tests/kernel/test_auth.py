import time

import jwt
import pytest

from services.kernel import auth, errors
from tests.support import SECRET


def hand_made(role: str, algorithm: str, key: str | None = SECRET) -> str:
    """A token signed outside `auth.mint`, each of its claims well formed."""
    claims = {"sub": "x", "role": role, "iss": "smartcity", "iat": 1, "exp": int(time.time()) + 60}
    return jwt.encode(claims, key, algorithm=algorithm)


def test_a_minted_token_verifies_to_its_role_and_region():
    token = auth.mint(SECRET, auth.Role.REGION_OPERATOR, region="12.07")
    principal = auth.principal_from_header(f"Bearer {token}", SECRET)
    assert (principal.role, principal.region) == (auth.Role.REGION_OPERATOR, "12.07")


def test_no_header_is_the_anonymous_caller():
    assert auth.principal_from_header(None, SECRET).is_anonymous


@pytest.mark.parametrize(
    "header",
    [
        "Basic dXNlcjpwYXNz",
        "Bearer ",
        "Bearer not.a.jwt",
        f"Bearer {auth.mint('another-secret-another-secret-123', auth.Role.ADMIN)}",
        f"Bearer {auth.mint(SECRET, auth.Role.ADMIN, ttl_seconds=-10)}",
        f"Bearer {hand_made('admin', 'HS384')}",
        f"Bearer {hand_made('superuser', 'HS256')}",
    ],
    ids=["basic", "empty", "garbage", "wrong-key", "expired", "other-algorithm", "unknown-role"],
)
def test_a_bad_credential_is_unauthenticated(header):
    with pytest.raises(errors.Unauthenticated):
        auth.principal_from_header(header, SECRET)


def test_an_unsigned_token_is_refused():
    unsigned = hand_made("admin", "none", key=None)
    with pytest.raises(errors.Unauthenticated):
        auth.verify(unsigned, SECRET)


def test_a_region_operator_token_needs_a_region():
    with pytest.raises(errors.BadUserInput):
        auth.mint(SECRET, auth.Role.REGION_OPERATOR)


def test_a_region_operator_writes_only_its_own_region():
    operator = auth.Principal("op", auth.Role.REGION_OPERATOR, region="12.07")
    operator.require_region_writer("12.07")
    with pytest.raises(errors.Forbidden):
        operator.require_region_writer("63.03")


def test_an_assessor_is_no_region_writer():
    with pytest.raises(errors.Forbidden):
        auth.Principal("a", auth.Role.ASSESSOR, regions=frozenset({"12.07"})).require_region_writer(
            "12.07"
        )


GATEWAY = auth.mint_gateway_credential(SECRET, 24 * 3600)  # valid all run long


def test_a_subgraph_serves_a_token_holder_or_whom_the_gateway_forwards():
    ministry = auth.mint(SECRET, auth.Role.MINISTRY)
    assert auth.caller_of_subgraph(f"Bearer {ministry}", None, SECRET).role is auth.Role.MINISTRY
    assert auth.caller_of_subgraph(None, GATEWAY, SECRET).is_anonymous


@pytest.mark.parametrize(
    ("authorization", "gateway"),
    [
        (None, None),
        (None, auth.mint_gateway_credential("another-secret-another-secret-123", 60)),
        (None, auth.mint_gateway_credential(SECRET, -10)),
        (None, auth.mint(SECRET, auth.Role.ADMIN)),
        (f"Bearer {GATEWAY}", None),
        (f"Bearer {GATEWAY}", GATEWAY),
    ],
    ids=[
        "neither",
        "gateway-credential-wrong-key",
        "gateway-credential-expired",
        "user-token-as-gateway-credential",
        "gateway-credential-as-bearer",
        "gateway-credential-as-bearer-too",
    ],
)
def test_a_subgraph_refuses_a_caller_nobody_vouches_for(authorization, gateway):
    with pytest.raises(errors.Unauthenticated):
        auth.caller_of_subgraph(authorization, gateway, SECRET)


@pytest.mark.parametrize(
    ("secret", "refused"),
    [
        (None, "SMARTCITY_JWT_SECRET is required"),
        ("a", "SMARTCITY_JWT_SECRET must be at least 32 bytes of random data"),
        ("REPLACE: openssl rand -base64 48", "looks like a placeholder"),
        ("change-me-change-me-change-me-change-me", "looks like a placeholder"),
        ("x" * 64, "looks like a placeholder"),
        ("qwertyuiopasdfghjklzxcvbnm123456", "can be guessed: it holds about 24 bits"),
        ("passwordpasswordpassword12345678", "can be guessed: it holds about 54 bits"),
        ("0123456789abcdef0123456789abcdef", "can be guessed: it holds about 8 bits"),
        ("KataSandiIniPanjangSekaliTerdiriDariKataKataBiasaSaja", "holds about 106 bits"),
        ("Hq8w2Zr5Tk1Vn7Xc4Lm9Pd6Fs0Jg3Yb5Ne8Ua2Oi7", "holds about 246 bits"),
        ("Hq8w2Zr5Tk1Vn7Xc4Lm9Pd6Fs0Jg3Yb5Ne8Ua2Oi7WmQ=", None),  # base64 of 32 bytes
        ("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", None),  # hex
    ],
)
def test_a_secret_short_left_as_a_placeholder_or_guessable_is_refused(secret, refused):
    problem = auth.secret_problem(secret)

    assert (problem is None) if refused is None else (refused in (problem or ""))


def test_a_token_valid_for_ages_or_issued_in_the_future_is_refused():
    now = int(time.time())
    claims = {"iss": "smartcity", "sub": "x", "role": "admin"}
    forever = jwt.encode(claims | {"iat": now, "exp": 253402300799}, SECRET, algorithm="HS256")
    later = jwt.encode(claims | {"iat": now + 3600, "exp": now + 7200}, SECRET, algorithm="HS256")
    month = jwt.encode(claims | {"iat": now, "exp": now + 30 * 86400}, SECRET, algorithm="HS256")

    with pytest.raises(errors.Unauthenticated, match="valid for longer than 180 days"):
        auth.verify(forever, SECRET)
    with pytest.raises(errors.Unauthenticated, match="not yet valid"):
        auth.verify(later, SECRET)
    with pytest.raises(errors.Unauthenticated, match="longer than 7 days"):
        auth.verify(month, SECRET, max_lifetime=7 * 86400)
    assert auth.verify(month, SECRET).role is auth.Role.ADMIN
