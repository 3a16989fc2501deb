"""A gateway over in-process subgraphs, with a transport that counts what each receives."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.applications import Starlette

from services.gateway.app import create_app
from services.gateway.edge.limits import Limits
from services.gateway.execution.subgraphs import Unreachable
from services.kernel.settings import Settings
from tests.support import SECRET


class Subgraphs:
    """The gateway's transport to in-process apps: routes `http://NAME/graphql` to the app
    NAME; records every request; can be downed, or made to drop the connection of the next
    requests as a server closing it would."""

    def __init__(self, apps: Mapping[str, Any]) -> None:
        self.apps = {
            name: httpx.AsyncClient(transport=httpx.ASGITransport(app=app), timeout=None)
            for name, app in apps.items()
        }
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.down: set[str] = set()
        self.disconnecting: dict[str, int] = {}  # name -> how many requests to drop
        self.delay_seconds = 0.0  # before each answer, as a busy subgraph would take

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> tuple[int, bytes]:
        name = httpx.URL(url).host
        if name in self.down:
            raise Unreachable(f"{name} is down")
        sent = json.loads(body)
        if "_service" not in sent["query"]:
            self.received.append((name, sent))
        if self.disconnecting.get(name):
            self.disconnecting[name] -= 1
            raise Unreachable("Server disconnected")
        await asyncio.sleep(self.delay_seconds)
        response = await self.apps[name].post(url, content=body, headers=dict(headers))
        return response.status_code, response.content

    async def get(self, url: str, headers: Mapping[str, str]) -> tuple[int, bytes, dict[str, str]]:
        name = httpx.URL(url).host
        if name in self.down:
            raise Unreachable(f"{name} is down")
        response = await self.apps[name].get(url, headers=dict(headers))
        return response.status_code, response.content, dict(response.headers)

    async def stream(
        self, url: str, body: bytes, headers: Mapping[str, str]
    ) -> AsyncIterator[bytes]:
        raise Unreachable("in-process apps stream nothing: serve them over loopback for that")
        yield b""  # pragma: no cover - a generator, as the transport's streams are

    async def close(self) -> None:
        for client in self.apps.values():
            await client.aclose()

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for name, _ in self.received:
            found[name] = found.get(name, 0) + 1
        return found

    def bodies(self, name: str) -> list[dict[str, Any]]:
        return [body for who, body in self.received if who == name]


@dataclass
class Gateway:
    client: httpx.AsyncClient
    subgraphs: Subgraphs
    app: Starlette
    headers: dict[str, str] = field(default_factory=dict)

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, **headers: str
    ) -> dict[str, Any]:
        self.subgraphs.received.clear()
        response = await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={**self.headers, **headers},
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


def settings(tmp_path: Any, **env: str) -> Settings:
    return Settings.from_env(
        {
            "SMARTCITY_JWT_SECRET": SECRET,
            "SMARTCITY_DATA_DIR": str(tmp_path),
            "NATS_URL": "nats://127.0.0.1:1",
            **env,
        }
    )


@contextlib.asynccontextmanager
async def gateway_over(
    apps: Mapping[str, Any], config: Settings, limits: Limits | None = None
) -> AsyncIterator[Gateway]:
    subgraphs = Subgraphs(apps)
    app = create_app(
        config,
        subgraphs={name: f"http://{name}/graphql" for name in apps},
        limits=limits,
        transport=subgraphs,
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield Gateway(client, subgraphs, app)


@contextlib.asynccontextmanager
async def gateway_over_sdl(tmp_path: Any, **subgraphs: Any) -> AsyncIterator[Gateway]:
    """The gateway, composing these SDL subgraphs itself, asked as an admin."""
    from services.kernel.auth import Role
    from tests.support import token

    apps = {name: subgraph.app() for name, subgraph in subgraphs.items()}
    async with gateway_over(apps, settings(tmp_path)) as running:
        running.headers = {"Authorization": f"Bearer {token(Role.ADMIN)}"}
        yield running
