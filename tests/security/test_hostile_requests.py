"""Malformed, oversized, nested and forged requests, at the gateway and straight at each
subgraph: each gets a 4xx-class GraphQL error with a code, and every service stays up."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import jwt
import pytest

from services.kernel import auth
from services.kernel.auth import Role
from tests.security import world as w
from tests.support import SECRET, token

ADMIN = token(Role.ADMIN)
CLEAR_CODES = {"BAD_REQUEST", "BAD_USER_INPUT", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND",
               "CONFLICT", "PERSISTED_QUERY_NOT_FOUND", "COST_LIMIT"}  # fmt: skip


def _claims(**changes: object) -> dict[str, object]:
    now = int(time.time())
    return {"iss": "smartcity", "sub": "x", "role": "admin", "iat": now, "exp": now + 60} | changes


@dataclass(frozen=True)
class Hostile:
    body: bytes | None = None
    content_type: str = "application/json"
    bearer: str | None = ADMIN
    method: str = "POST"
    params: dict[str, str] = field(default_factory=dict)


def _json_body(query: str, variables: str = "{}") -> bytes:
    return f'{{"query": {query}, "variables": {variables}}}'.encode()


DEEP = 5_000
HOSTILE = {
    "not JSON": Hostile(b'{"query": '),
    "JSON that is not an object": Hostile(b"[1, 2, 3]"),
    "a batch": Hostile(b'[{"query": "{ regions { code } }"}]'),
    "a query that is not text": Hostile(b'{"query": 5}'),
    "variables that are not an object": Hostile(_json_body('"{ regions { code } }"', "[1]")),
    "deeply nested JSON": Hostile(_json_body('"{ regions { code } }"', "[" * DEEP + "]" * DEEP)),
    "invalid UTF-8": Hostile(b'{"query": "\xff\xfe"}'),
    "a NUL byte": Hostile(b'{"query": "{ regions { code } }\\u0000"}'),
    "plain text": Hostile(b"{ regions { code } }", "text/plain"),
    "XML": Hostile(b"<query>regions</query>", "application/xml"),
    "a form": Hostile(b"query=%7B+regions+%7B+code+%7D+%7D", "application/x-www-form-urlencoded"),
    "no body": Hostile(b""),
    "an oversized body": Hostile(_json_body('"{ regions { code } }"', '{"x": "' + "a" * 5_000_000 + '"}')),
    "a deeply nested query": Hostile(_json_body('"' + "{ regions " * 2_000 + "}" * 2_000 + '"')),
    "many aliases": Hostile(_json_body('"{ ' + " ".join(f"a{n}: regions {{ code }}" for n in range(2_000)) + ' }"')),
    "a syntax error": Hostile(_json_body('"{ regions { code "')),
    "an unknown field": Hostile(_json_body('"{ passwords }"')),
    "a mutation over GET": Hostile(method="GET", params={"query": 'mutation { closeEvaluationCycle(id: "x") { id } }'}),
    "a forged signature": Hostile(_json_body('"{ regions { code } }"'), bearer=ADMIN[:-4] + "AAAA"),
    "an expired token": Hostile(_json_body('"{ regions { code } }"'), bearer=auth.mint(SECRET, Role.ADMIN, ttl_seconds=-5)),
    "another key": Hostile(_json_body('"{ regions { code } }"'), bearer=auth.mint("x" * 40, Role.ADMIN)),
    "alg none": Hostile(_json_body('"{ regions { code } }"'), bearer=jwt.encode(_claims(), None, algorithm="none")),
    "an unknown role": Hostile(_json_body('"{ regions { code } }"'), bearer=jwt.encode(_claims(role="root"), SECRET, algorithm="HS256")),
    "another issuer": Hostile(_json_body('"{ regions { code } }"'), bearer=jwt.encode(_claims(iss="evil"), SECRET, algorithm="HS256")),
    "the gateway's credential as a bearer": Hostile(_json_body('"{ regions { code } }"'), bearer=auth.mint_gateway_credential(SECRET, 24 * 3600)),
    "a null page size": Hostile(_json_body('"query($n: Int) { evaluationCycles(first: $n) { id } }"', '{"n": null}')),
    "a huge header": Hostile(_json_body('"{ regions { code } }"'), bearer="x" * 200_000),
}  # fmt: skip


@pytest.fixture
async def world(tmp_path):
    async with w.running_world(tmp_path) as world:
        yield world


async def _send(client, hostile: Hostile):
    headers = {"content-type": hostile.content_type}
    if hostile.bearer:
        headers["authorization"] = f"Bearer {hostile.bearer}"
    if hostile.method == "GET":
        return await client.get("/graphql", params=hostile.params, headers=headers)
    return await client.post("/graphql", content=hostile.body, headers=headers)


def _unclear(name: str, where: str, response) -> str | None:
    if response.status_code >= 500:
        return f"{name} at {where}: HTTP {response.status_code}"
    try:
        errors = response.json()["errors"]
    except (ValueError, KeyError, TypeError):
        return f"{name} at {where}: HTTP {response.status_code}, not a GraphQL error: {response.text[:80]}"
    codes = {(e.get("extensions") or {}).get("code") for e in errors}
    if not codes <= CLEAR_CODES:
        return f"{name} at {where}: codes {codes}"
    return None


@pytest.mark.integration
@pytest.mark.timeout(120)
async def test_hostile_requests_get_a_clear_error_and_every_service_stays_up(world):
    clients = {"gateway": world.gateway.client, **world.direct}
    before = {name: await world.stored(name) for name in world.apps}
    unclear = []
    for name, hostile in HOSTILE.items():
        for where, client in clients.items():
            problem = _unclear(name, where, await _send(client, hostile))
            if problem:
                unclear.append(problem)
    assert not unclear, "\n".join(unclear)
    assert {name: await world.stored(name) for name in world.apps} == before
    for where, client in clients.items():
        assert (await client.get("/readyz")).status_code == 200, where
    regions = await world.admin("{ regions { code } }")
    assert {r["code"] for r in regions["regions"]} >= {w.REGION, w.OTHER_REGION}


MALFORMED_REPRESENTATIONS = {
    "no key": '{__typename: "Region"}',
    "a null key": '{__typename: "Region", code: null}',
    "a key that is an object": '{__typename: "Region", code: {a: 1}}',
    "an unknown type": '{__typename: "Passwords", code: "x"}',
    "not an object": '"Region"',
}


@pytest.mark.integration
@pytest.mark.parametrize("subgraph", w.SUBGRAPHS)
async def test_an_entity_representation_without_its_key_is_refused_as_the_callers_mistake(
    world, subgraph
):
    answers = {}
    for name, representation in MALFORMED_REPRESENTATIONS.items():
        query = (
            f"{{ _entities(representations: [{representation}]) {{ ... on Region {{ code }} }} }}"
        )
        response = await world.direct[subgraph].post(
            "/graphql", json={"query": query}, headers={"authorization": f"Bearer {ADMIN}"}
        )
        answers[name] = [e["extensions"] for e in response.json()["errors"]]

    refused = [{"code": "BAD_USER_INPUT", "field": "representations"}]
    assert answers == dict.fromkeys(MALFORMED_REPRESENTATIONS, refused)
