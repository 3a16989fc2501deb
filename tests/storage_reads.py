"""What a request asks of storage: its round trips, as the subgraph's `Server-Timing` header
states them, and the filter of every query it makes, checked against the indexes declared on
the queried collection."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any
from unittest import mock

import httpx

from services.embedded.memorystore import KeyedCollection

STORAGE_TIMING = re.compile(r'storage;dur=[\d.]+;desc="(\d+) round trips"')


def round_trips(response: httpx.Response) -> int:
    found = STORAGE_TIMING.search(response.headers["server-timing"])
    assert found, response.headers["server-timing"]
    return int(found.group(1))


@contextlib.contextmanager
def recorded_queries() -> Iterator[list[tuple[KeyedCollection, dict[str, Any]]]]:
    """Every filter the in-process store is asked to match, with its collection."""
    asked: list[tuple[KeyedCollection, dict[str, Any]]] = []
    matching = KeyedCollection._iter_documents

    def recording(collection: KeyedCollection, filter: Any) -> Iterator[dict[str, Any]]:
        asked.append((collection, dict(filter or {})))
        return matching(collection, filter)

    with mock.patch.object(KeyedCollection, "_iter_documents", recording):
        yield asked


def unindexed(asked: list[tuple[KeyedCollection, dict[str, Any]]]) -> list[str]:
    """The queries no index serves: none of their fields leads an index of the collection
    (`_id` always does). A query that matches everything scans by design and is left out."""
    found = []
    for collection, query in asked:
        fields = set(query) - {"$or", "$and"}
        if not fields:
            continue
        leading = {index["key"][0][0] for index in collection.index_information().values()}
        if not fields & leading:
            found.append(f"{collection.name}: {query}")
    return found
