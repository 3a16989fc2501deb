"""Documents a service serves beside /graphql: a GET behind the same checks of the caller,
answering the document as a file, or a refusal as JSON with the error's code."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from services.kernel import auth, errors
from services.kernel.subgraph_http import PRINCIPAL_KEY, refusal

STATUS = {"UNAUTHENTICATED": 401, "FORBIDDEN": 403, "NOT_FOUND": 404, "CONFLICT": 409}


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
        try:
            # the path's parameters, and the query's beside them (`?language=en`)
            made = await self.download.make(
                {**request.query_params, **request.path_params}, principal
            )
        except errors.UserError as error:
            response = refusal(STATUS.get(error.code, 400), error.message, error.code)
        else:
            disposition = f'attachment; filename="{made.name}"'
            response = Response(
                made.body,
                media_type=made.media_type,
                headers={"content-disposition": disposition, "cache-control": "no-store"},
            )
        await response(scope, receive, send)
