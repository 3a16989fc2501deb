"""Documents a service serves beside /graphql: a GET behind the same checks of the caller,
answering the document as a file, or a refusal as JSON with the error's code."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from services.kernel import auth, errors
from services.kernel.subgraph_http import PRINCIPAL_KEY, refusal

T = TypeVar("T")

STATUS = {"UNAUTHENTICATED": 401, "FORBIDDEN": 403, "NOT_FOUND": 404, "CONFLICT": 409,
          "BUSY": 503}  # fmt: skip
RETRY_SECONDS = "5"  # a busy service's suggestion


@dataclass(frozen=True)
class File:
    body: bytes
    media_type: str
    name: str  # what a browser saves it as


@dataclass(frozen=True)
class Download:
    path: str  # a route path with parameters: /letters/{region_code}/{cycle_id}.pdf
    make: Callable[[dict[str, str], auth.Principal], Awaitable[File]]  # params, caller


class DownloadEndpoint:
    def __init__(self, download: Download) -> None:
        self.download = download

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        principal = scope.get(PRINCIPAL_KEY, auth.ANONYMOUS)
        params = {**request.query_params, **request.path_params}  # `?language=en` too
        try:
            made = await unless_the_client_goes(self.download.make(params, principal), receive)
        except ClientGone:
            return
        except errors.UserError as error:
            response = refusal(STATUS.get(error.code, 400), error.message, error.code)
            if isinstance(error, errors.Busy):
                response.headers["retry-after"] = RETRY_SECONDS
        else:
            disposition = f'attachment; filename="{made.name}"'
            response = Response(
                made.body,
                media_type=made.media_type,
                headers={"content-disposition": disposition, "cache-control": "no-store"},
            )
        await response(scope, receive, send)


class ClientGone(Exception):
    """The client disconnected before its document was made."""


async def unless_the_client_goes(making: Awaitable[T], receive: Receive) -> T:
    """What `making` makes; cancelled when the client disconnects first (a GET's body is
    empty, so the next message the server sends is the disconnection)."""
    made = asyncio.ensure_future(making)
    gone = asyncio.ensure_future(_disconnection(receive))
    try:
        await asyncio.wait({made, gone}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        made.cancel()
        raise
    finally:
        gone.cancel()
    if made.done():
        return made.result()
    made.cancel()
    raise ClientGone


async def _disconnection(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
