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


async def is_ready(graphql_url: str) -> bool:
    """Whether a suite answers `/readyz` beside this GraphQL URL."""
    ready = graphql_url.rsplit("/graphql", 1)[0] + "/readyz"
    async with httpx.AsyncClient(timeout=2) as http:
        try:
            return (await http.get(ready)).status_code == 200
        except httpx.HTTPError:
            return False
