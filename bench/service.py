"""One service of the suite as its own process, the way a benchmark drives it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from services.kernel.processes import free_port


@dataclass(frozen=True)
class Running:
    port: int
    pid: int


@contextlib.asynccontextmanager
async def serving(
    name: str,
    nats_url: str,
    data_dir: str,
    secret: str,
    extra_env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> AsyncIterator[Running]:
    """`smartcity serve NAME` on a free port, ready to answer, and stopped afterwards; the
    code in `cwd` when given (another commit's checkout)."""
    port = free_port()
    env = os.environ | {"SMARTCITY_JWT_SECRET": secret, "NATS_URL": nats_url,
                        "SMARTCITY_DATA_DIR": data_dir} | (extra_env or {})  # fmt: skip
    command = [sys.executable, "-m", "services.cli", "serve", name, "--port", str(port)]
    process = await asyncio.create_subprocess_exec(
        *command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        await _ready(name, f"http://127.0.0.1:{port}/readyz", process)
        yield Running(port, process.pid)
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), timeout=60)


async def _ready(name: str, url: str, process: asyncio.subprocess.Process) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(600):
            if process.returncode is not None:
                raise RuntimeError(f"the {name} service exited at start-up")
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise TimeoutError(f"the {name} service did not get ready")


async def graphql(
    client: httpx.AsyncClient, url: str, query: str, variables: dict[str, Any], bearer: str
) -> dict[str, Any]:
    """The data of a request a benchmark needs to succeed; its errors raised otherwise."""
    response = await client.post(
        url, json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {bearer}"},
    )  # fmt: skip
    body: dict[str, Any] = response.json()
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return body["data"]
