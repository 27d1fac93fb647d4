"""The list totals' cache: bounded, least recently used first, off at 0."""

from __future__ import annotations

import tracemalloc

from api.config import Settings
from api.listing.query import COUNTS, CountCache
from tests.conftest import make_client


def test_bounded_least_recently_used_first() -> None:
    counts = CountCache(2)
    counts.put(("a",), 1)
    counts.put(("b",), 2)
    assert counts.get(("a",)) == 1  # "b" is now the least recently used
    counts.put(("c",), 3)
    assert (counts.get(("a",)), counts.get(("b",)), counts.get(("c",))) == (1, None, 3)
    assert len(counts) == 2


def test_zero_turns_it_off_and_resize_starts_empty() -> None:
    counts = CountCache(4)
    counts.put(("a",), 1)
    counts.resize(0)
    counts.put(("b",), 2)
    assert len(counts) == 0 and counts.get(("a",)) is None
    counts.resize(1)
    counts.put(("b",), 2)
    assert counts.get(("b",)) == 2


def test_bounded_in_bytes_and_the_weight_covers_the_memory() -> None:
    counts = CountCache(100_000, 50_000)
    database = "postgresql+psycopg://reader@db.example.org:5432/dle"
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for index in range(60):
            # Fresh strings, as ``count`` makes them for every key.
            key = ("".join(database), "ml_model", f"{index:016x}", f"2026-01-{index:02d}")
            counts.put(key, 1_000_000 + index)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert 0 < held <= counts.bytes <= 50_000
    for index in range(10_000):
        counts.put((database, "ml_model", f"{index:016x}", "v2"), index)
    assert 0 < counts.bytes <= 50_000
    assert counts.get((database, "ml_model", f"{9_999:016x}", "v2")) == 9_999


def test_many_distinct_long_queries_keep_the_totals_within_their_bound(sample_url: str) -> None:
    defaults = Settings()
    try:
        with make_client(sample_url, count_cache_max_bytes=20_000) as client:
            for index in range(200):
                long_but_legal = f"{index}-" + "x" * 190  # q is at most 200 characters
                response = client.get("/v1/models", params={"q": long_but_legal, "limit": 1})
                assert response.status_code == 200
            assert 0 < COUNTS.bytes <= 20_000
            assert len(COUNTS) < 200
    finally:
        COUNTS.resize(defaults.count_cache_max_entries, defaults.count_cache_max_bytes)
