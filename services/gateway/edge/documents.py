"""Documents a subgraph serves beside GraphQL, passed on by the gateway so that its callers
(the console among them, which talks to nothing else) reach them at one address: the
results letter, from scoring. The subgraph checks the caller, as for its GraphQL."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from services.gateway.execution.subgraph_calls import SubgraphFailure
from services.gateway.execution.subgraphs import SubgraphClients
from services.kernel.downloads import ClientGone, unless_the_client_goes

LETTER = "/letters/{region_code}/{cycle_id}.pdf"
PASSED_ON = ("content-type", "content-disposition", "cache-control", "www-authenticate",
             "retry-after")  # fmt: skip


def routes(clients: SubgraphClients) -> list[BaseRoute]:
    async def letter(request: Request) -> Response:
        params = {k: quote(v, safe="") for k, v in request.path_params.items()}
        authorization = request.headers.get("authorization")
        if "scoring" not in clients.endpoints:
            return _refusal(404, "NOT_FOUND", "this gateway composes no scoring subgraph")
        path = LETTER.format(**params)
        if "language" in request.query_params:  # the letter's language, the one query it takes
            path += "?language=" + quote(request.query_params["language"], safe="")
        asking = clients.document(
            "scoring", path, {"authorization": authorization} if authorization else {}
        )
        try:
            # a letter can take scoring seconds to write: nobody waiting, scoring drops it
            status, body, headers = await unless_the_client_goes(asking, request.receive)
        except ClientGone:
            return Response(status_code=499)  # no one reads it
        except SubgraphFailure as failure:
            return _refusal(502, failure.code, failure.message)
        kept = {k: v for k, v in headers.items() if k.lower() in PASSED_ON}
        return Response(body, status_code=status, headers=kept)

    return [Route(LETTER, letter, methods=["GET"])]


def _refusal(status: int, code: str, message: str) -> Response:
    error = {"message": message, "extensions": {"code": code}}
    return JSONResponse({"errors": [error]}, status_code=status)
