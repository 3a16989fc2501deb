"""/metrics tells how a service is doing, and so what load hurts it: it answers the operator
only, by a token when one is set, else callers on the same machine."""

from __future__ import annotations

import dataclasses

import httpx

from services.catalog.app import create_app


async def _metrics(
    app, client_address: str, bearer: str | None = None, proxied: str | None = None
) -> int:
    transport = httpx.ASGITransport(app=app, client=(client_address, 40123))
    headers = {"authorization": f"Bearer {bearer}"} if bearer else {}
    if proxied:
        headers[proxied] = "203.0.113.9"
    async with httpx.AsyncClient(transport=transport, base_url="http://catalog") as client:
        return (await client.get("/metrics", headers=headers)).status_code


async def test_metrics_answer_this_machine_and_no_other_when_no_token_is_set(settings):
    app = create_app(settings)

    assert await _metrics(app, "127.0.0.1") == 200
    assert await _metrics(app, "203.0.113.9") == 403
    for header in ("x-forwarded-for", "forwarded", "x-real-ip"):  # a proxy on this machine
        assert await _metrics(app, "127.0.0.1", proxied=header) == 403, header


async def test_metrics_answer_whoever_holds_the_token_once_one_is_set(settings):
    token = "m3trics-Qh7Wk2Zp9Rv4Xn1Lc8Md5Fs3Jg6Yb0Ne"
    app = create_app(dataclasses.replace(settings, metrics_token=token))

    assert await _metrics(app, "203.0.113.9", token) == 200
    assert await _metrics(app, "127.0.0.1") == 403
    assert await _metrics(app, "127.0.0.1", token[:-1] + "x") == 403
