"""The `smartcity` command line, run as a user runs it."""

import os
import subprocess
import sys
import time

import httpx
import pytest

from services.gateway.federation.join_read import load_supergraph
from services.kernel import auth
from services.kernel.natsserver import free_port
from tests.support import SECRET, token

MINISTRY = token(auth.Role.MINISTRY)


def smartcity(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "services.cli", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "SMARTCITY_JWT_SECRET": SECRET, "SMARTCITY_DATA_DIR": str(tmp_path)}


def test_a_minted_token_carries_the_role_and_region(env):
    result = smartcity("token", "--role", "region_operator", "--region", "12.07", env=env)
    principal = auth.verify(result.stdout.strip(), SECRET)
    assert (principal.role, principal.region) == (auth.Role.REGION_OPERATOR, "12.07")


def test_a_region_operator_token_without_a_region_is_a_one_line_error(env):
    result = smartcity("token", "--role", "region_operator", env=env)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "smartcity: a region operator token needs a region"
    ]


@pytest.mark.integration
def test_serve_catalog_answers_on_its_port_and_stops_on_sigterm(env):
    port = free_port()
    env = {**env, "NATS_URL": f"nats://127.0.0.1:{free_port()}"}
    command = [sys.executable, "-m", "services.cli", "serve", "catalog", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz")
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "catalog did not start"
                time.sleep(0.2)
        url, query = f"http://127.0.0.1:{port}/graphql", {"query": "{ regions { code } }"}
        anonymous = httpx.post(url, json=query)
        ministry = httpx.post(url, json=query, headers={"Authorization": f"Bearer {MINISTRY}"})
        assert ready.json() == {"status": "ready", "checks": {"mongodb": "ok"}}
        assert anonymous.status_code == 401  # only the gateway forwards anonymous callers
        assert ministry.json() == {"data": {"regions": []}}
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0].decode()
    assert "data is NOT persistent" in output
    assert "catalog: stopped" in output  # the lifespan shut down cleanly


@pytest.mark.parametrize("secret", ["a", "REPLACE: openssl rand -base64 48"])
def test_a_service_refuses_to_start_with_a_weak_or_placeholder_secret(env, secret):
    result = smartcity("serve", "catalog", "--port", str(free_port()),
                       env={**env, "SMARTCITY_JWT_SECRET": secret})  # fmt: skip

    assert result.returncode != 0
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("smartcity: catalog failed at start-up: SMARTCITY_JWT_SECRET ")


def test_the_suites_supergraph_is_printed_for_any_router_with_each_subgraphs_url(env):
    result = smartcity("supergraph", env={**env, "SURVEY_URL": "http://survey.internal/graphql"})

    supergraph = load_supergraph(result.stdout)
    assert result.returncode == 0, result.stderr
    assert {name: view.url for name, view in supergraph.subgraphs.items()} == {
        "catalog": "http://127.0.0.1:4001/graphql",
        "survey": "http://survey.internal/graphql",
        "scoring": "http://127.0.0.1:4003/graphql",
    }
    assert {"regions", "ranking", "campaigns"} <= set(supergraph.api_schema.query_type.fields)
