"""The caches are bounded by the bytes their entries hold."""

from __future__ import annotations

from services.kernel.lru import LruCache, document_weight


def _cache(max_bytes: int) -> LruCache[str, str]:
    return LruCache(max_bytes, lambda key, value: len(key) + len(value))


def test_the_least_recently_used_entries_go_once_the_bytes_are_exceeded() -> None:
    cache = _cache(100)
    cache.put("a", "x" * 9)
    cache.put("b", "x" * 9)
    cache.get("a")

    for n in range(9):
        cache.put(f"k{n}", "x" * 8)

    assert cache.bytes <= 100
    assert cache.get("b") is None
    assert cache.get("k8") == "x" * 8


def test_an_entry_heavier_than_an_eighth_of_the_cache_is_never_kept() -> None:
    cache = _cache(800)

    cache.put("big", "x" * 100)
    cache.put("small", "x" * 90)

    assert cache.get("big") is None
    assert cache.get("small") == "x" * 90
    assert cache.bytes == len("small") + 90


def test_putting_a_key_again_replaces_its_weight() -> None:
    cache = _cache(1_000)

    cache.put("a", "x" * 10)
    cache.put("a", "x" * 20)

    assert (len(cache), cache.bytes) == (1, 21)


def test_a_document_weighs_by_what_it_holds_not_by_its_padding() -> None:
    dense = "{ regions { code name } }"

    assert document_weight(dense + " " * 10_000) < 2 * document_weight(dense) + 10_000
    assert document_weight(dense) > 100 * len(dense.replace(" ", ""))


def test_persisted_queries_count_at_least_the_memory_they_hold():
    import hashlib
    import random
    import tracemalloc

    from services.gateway.edge.apq import PersistedQueries

    rng = random.Random(7)
    cache = PersistedQueries(max_bytes=64 * 1024 * 1024)

    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for n in range(2_000):  # each query and digest made as a request's, held by the cache only
        padding = "nama" * rng.randint(0, 3) + "ü" * (n % 3)
        query = f"{{ r{n}: regions {{ code {padding} }} }}"
        digest = hashlib.sha256(query.encode()).hexdigest()
        cache.resolve(query, {"persistedQuery": {"version": 1, "sha256Hash": digest}})
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()

    assert cache.queries.bytes >= held
