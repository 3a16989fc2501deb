"""Automatic persisted queries: clients send a query's sha256 and the query only once."""

from __future__ import annotations

import hashlib
from typing import Any

from services.gateway.engine import RequestError
from services.kernel.lru import LruCache, texts_weight

NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"


class PersistedQueries:
    def __init__(self, max_bytes: int) -> None:
        self.queries: LruCache[str, str] = LruCache(max_bytes, texts_weight)

    def resolve(self, query: str | None, extensions: dict[str, Any] | None) -> str | None:
        """The query to run: the one sent (remembered by its hash) or the one remembered."""
        persisted = (extensions or {}).get("persistedQuery")
        if not isinstance(persisted, dict):
            return query
        digest = persisted.get("sha256Hash")
        if persisted.get("version") != 1 or not isinstance(digest, str):
            raise RequestError(
                [_error("persistedQuery needs version 1 and a sha256Hash", "BAD_USER_INPUT")]
            )
        if query is None:
            found = self.queries.get(digest)
            if found is None:
                raise RequestError([_error("PersistedQueryNotFound", NOT_FOUND)], status=200)
            return found
        if hashlib.sha256(query.encode()).hexdigest() != digest:
            raise RequestError(
                [_error("the sha256Hash does not match the query", "BAD_USER_INPUT")]
            )
        self.queries.put(digest, query)
        return query


def _error(message: str, code: str) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": code, "field": "extensions.persistedQuery"}}
