"""A small GraphQL client for the suite's own tools: the seeder, the command line, the demo."""

from __future__ import annotations

from typing import Any

import httpx


class GraphQLFailure(Exception):
    """An answer with errors, or no answer, told in one line a user can act on."""

    def __init__(
        self, message: str, code: str | None = None, problems: list[dict[str, str]] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code  # the first error's extensions.code, when the server answered
        self.problems = problems or []  # its located problems: {field, message}


def _describe(error: dict[str, Any]) -> str:
    extensions = error.get("extensions") or {}
    code = extensions.get("code", "ERROR")
    where = f" at {extensions['field']}" if extensions.get("field") else ""
    path = ".".join(str(p) for p in error.get("path") or ())
    return f"{path + ': ' if path else ''}{code}{where}: {error.get('message', '')}"


class GraphQLClient:
    """Posts operations to one endpoint under one bearer token."""

    def __init__(self, http: httpx.AsyncClient, url: str, token: str | None = None) -> None:
        self.http, self.url = http, url
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def as_(self, token: str) -> GraphQLClient:
        """The same endpoint under another caller's token."""
        return GraphQLClient(self.http, self.url, token)

    async def __call__(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of a successful answer; any error raises GraphQLFailure."""
        try:
            response = await self.http.post(
                self.url, json={"query": query, "variables": variables or {}}, headers=self.headers
            )
        except httpx.TransportError as exc:
            raise GraphQLFailure(f"cannot reach {self.url} ({type(exc).__name__})") from None
        try:
            body: dict[str, Any] = response.json()
        except ValueError:
            raise GraphQLFailure(f"{self.url} answered HTTP {response.status_code}") from None
        if body.get("errors"):
            first = body["errors"][0]
            extensions = first.get("extensions") or {}
            raise GraphQLFailure(
                _describe(first), extensions.get("code"), extensions.get("problems")
            )
        if response.status_code != 200 or body.get("data") is None:
            raise GraphQLFailure(f"{self.url} answered HTTP {response.status_code} with no data")
        data: dict[str, Any] = body["data"]
        return data


def aliased(
    field_name: str, input_type: str, inputs: list[dict[str, Any]], selection: str = ""
) -> tuple[str, dict[str, Any]]:
    """One request of several mutations `m0`, `m1`, ... each taking its own input."""
    params = ", ".join(f"$i{n}: {input_type}!" for n in range(len(inputs)))
    selected = f" {{ {selection} }}" if selection else ""
    fields = " ".join(f"m{n}: {field_name}(input: $i{n}){selected}" for n in range(len(inputs)))
    return f"mutation({params}) {{ {fields} }}", {f"i{n}": v for n, v in enumerate(inputs)}
