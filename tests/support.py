"""Helpers the tests share: running an app's lifespan and posting GraphQL to it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
from starlette.applications import Starlette

from services.kernel import auth

SECRET = "t3sts-Qh7Wk2Zp9Rv4Xn1Lc8Md5Fs3Jg6Yb0Ne7Ua4Oi2EtHs384"


def token(role: auth.Role, region: str | None = None, regions: list[str] | None = None) -> str:
    return auth.mint(SECRET, role, region=region, regions=regions)


def through_gateway() -> dict[str, str]:
    """The header the gateway adds to what it forwards."""
    return {auth.GATEWAY_HEADER: auth.mint_gateway_credential(SECRET, 60)}


@contextlib.asynccontextmanager
async def running(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan started, and a client that talks to it in-process."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://catalog") as client:
            yield client


async def graphql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    bearer: str | None = None,
) -> dict[str, Any]:
    """Post as the bearer's holder, or without a bearer as an anonymous caller whom the
    gateway forwards."""
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else through_gateway()
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    body: dict[str, Any] = response.json()
    return body
