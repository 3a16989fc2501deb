"""A least-recently-used cache bounded by the bytes its entries hold, not by their number."""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

# a parsed GraphQL document holds up to ~150 bytes per character of dense query text
DOCUMENT_BYTES_PER_CHARACTER = 150


ENTRY_BYTES = 200  # an entry's own keeping: its ordered-dict node, its tuple, the weight


def texts_weight(*texts: str) -> int:
    """What keeping these texts in an LRU entry costs in memory: each string object (its
    header, and one to four bytes a character), and the entry itself."""
    return ENTRY_BYTES + sum(sys.getsizeof(text) for text in texts)


def document_weight(text: str) -> int:
    """What a parsed document of `text` may hold: whitespace costs next to nothing."""
    blank = text.count(" ") + text.count("\n") + text.count("\t") + text.count(",")
    return len(text) + DOCUMENT_BYTES_PER_CHARACTER * (len(text) - blank)


class LruCache(Generic[K, V]):
    """Entries weigh what `weigh` says; the least recently used go first when the total
    passes `max_bytes`, and an entry heavier than `max_bytes // 8` is never kept."""

    def __init__(self, max_bytes: int, weigh: Callable[[K, V], int]) -> None:
        self.max_bytes = max_bytes
        self.weigh = weigh
        self.items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self.bytes = 0
        self.hits = 0
        self.misses = 0

    def get(self, key: K) -> V | None:
        found = self.items.get(key)
        if found is None:
            self.misses += 1
            return None
        self.hits += 1
        self.items.move_to_end(key)
        return found[0]

    def put(self, key: K, value: V) -> V:
        weight = self.weigh(key, value)
        if weight > self.max_bytes // 8:
            return value
        old = self.items.pop(key, None)
        if old is not None:
            self.bytes -= old[1]
        self.items[key] = (value, weight)
        self.bytes += weight
        while self.bytes > self.max_bytes:
            _, (_, dropped) = self.items.popitem(last=False)
            self.bytes -= dropped
        return value

    def __len__(self) -> int:
        return len(self.items)
