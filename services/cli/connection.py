"""How commands reach a running suite: the gateway's address and the caller's token."""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import AsyncIterator
from functools import partial

import httpx

from services.cli.config import DEFAULT_GATEWAY, gateway_url
from services.demo.cycle import Minter
from services.kernel import auth
from services.kernel.graphql_client import GraphQLClient
from services.kernel.settings import Settings
from services.messages import _


def settings() -> Settings:
    return Settings.from_env(os.environ).with_development_secret()


def minter(chosen: Settings) -> Minter:
    """Mints tokens with the suite's JWT secret: the development secret of `smartcity up`
    unless SMARTCITY_JWT_SECRET names the deployment's."""
    return partial(auth.mint, chosen.jwt_secret or "")


def add_gateway_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--gateway",
        default=gateway_url(os.environ)[0],
        help=_(
            "the gateway's GraphQL URL (SMARTCITY_GATEWAY_URL; by default the one "
            "`smartcity up` serves, else {default}; `smartcity config` shows it)"
        ).format(default=DEFAULT_GATEWAY),
    )
    parser.add_argument(
        "--token",
        default=os.environ.get("SMARTCITY_TOKEN"),
        help=_("a bearer token (SMARTCITY_TOKEN); by default an admin token minted locally"),
    )


@contextlib.asynccontextmanager
async def gateway(args: argparse.Namespace, url: str | None = None) -> AsyncIterator[GraphQLClient]:
    """The gateway of `--gateway` (or `url`) under `--token`, or else a locally minted admin."""
    token = args.token or minter(settings())(auth.Role.ADMIN, subject="smartcity-cli")
    async with httpx.AsyncClient(timeout=120) as http:
        yield GraphQLClient(http, url or args.gateway, token)


async def newest_cycle(gateway: GraphQLClient) -> str:
    """The cycle of the latest year, the last opened of that year (ids sort by creation)."""
    cycles = (await gateway("{ evaluationCycles(first: 500) { id year } }"))["evaluationCycles"]
    if not cycles:
        raise ValueError(_("there is no evaluation cycle yet"))
    newest: str = max(cycles, key=lambda c: (c["year"], c["id"]))["id"]
    return newest


CYCLE = "query($id: ID!) { evaluationCycle(id: $id) { year stage cohort } }"


async def cycle_name(gateway: GraphQLClient, cycle_id: str) -> str:
    """A cycle as people name it, its id beside: `2023 · Tahap II · kppn_ikn (01a2...)`."""
    found = (await gateway(CYCLE, {"id": cycle_id}))["evaluationCycle"]
    if not found:
        return cycle_id
    stages = {"TAHAP_1": "Tahap I", "TAHAP_2": "Tahap II", "FIELD": _("field review")}
    stage = stages.get(found["stage"], found["stage"])
    return f"{found['year']} · {stage} · {found['cohort']} ({cycle_id})"


async def is_ready(graphql_url: str) -> bool:
    """Whether a suite answers `/readyz` beside this GraphQL URL."""
    ready = graphql_url.rsplit("/graphql", 1)[0] + "/readyz"
    async with httpx.AsyncClient(timeout=2) as http:
        try:
            return (await http.get(ready)).status_code == 200
        except httpx.HTTPError:
            return False
