"""The `smartcity` command line, run as a user runs it."""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from services.gateway.composition.join_read import load_supergraph
from services.kernel import auth
from services.kernel.processes import free_port
from tests.support import SECRET, token

MINISTRY = token(auth.Role.MINISTRY)


def smartcity(
    *args: str, env: dict[str, str], cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "services.cli", *args]
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=60)


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "SMARTCITY_JWT_SECRET": SECRET, "SMARTCITY_DATA_DIR": str(tmp_path),
            "SMARTCITY_CONFIG_DIR": str(tmp_path / "config")}  # fmt: skip


@pytest.fixture
def user(tmp_path):
    """A user's environment with no suite settings in it: a home of their own, two folders."""
    home = tmp_path / "home"
    folders = [tmp_path / "here", tmp_path / "there"]
    for folder in (home, *folders):
        folder.mkdir()
    kept = {k: v for k, v in os.environ.items()
            if not k.startswith(("SMARTCITY_", "XDG_")) and k not in ("MONGODB_URI", "NATS_URL")}  # fmt: skip
    return {**kept, "HOME": str(home)}, folders


def test_commands_in_any_folder_share_the_secret_kept_in_the_users_config_folder(user):
    env, (here, there) = user
    first = smartcity("token", "--role", "admin", env=env, cwd=here)
    second = smartcity("token", "--role", "admin", env=env, cwd=there)
    kept = Path(env["HOME"]) / ".config" / "smartcity" / "jwt-secret"
    secret = kept.read_text().strip()
    for minted in (first, second):
        assert auth.verify(minted.stdout.strip(), secret).role is auth.Role.ADMIN
    assert oct(kept.stat().st_mode & 0o777) == "0o600"
    assert list(here.iterdir()) == [] and list(there.iterdir()) == []


def test_config_shows_each_setting_and_where_it_comes_from(user, tmp_path):
    env, (here, _) = user
    printed = smartcity("config", env=env, cwd=here).stdout.splitlines()
    fresh = {line.split()[0]: line.split() for line in printed}
    assert fresh["JWT"][2:5] == ["not", "made", "yet"]
    assert fresh["gateway"][1:] == ["http://127.0.0.1:4000/graphql", "default"]
    moved = env | {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "SMARTCITY_GATEWAY_URL": "http://x/graphql",
                   "SMARTCITY_JWT_SECRET": SECRET}  # fmt: skip
    shown = {
        line.split()[0]: line
        for line in smartcity("config", env=moved, cwd=here).stdout.splitlines()
    }
    assert shown["JWT"].endswith("SMARTCITY_JWT_SECRET")
    assert shown["gateway"].split()[1:] == ["http://x/graphql", "SMARTCITY_GATEWAY_URL"]
    assert shown["config"].split()[2:] == [str(tmp_path / "xdg" / "smartcity"), "XDG_CONFIG_HOME"]
    assert shown["data"].split()[2:] == [
        str(Path(env["HOME"]) / ".local/share/smartcity"),
        "default",
    ]


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
