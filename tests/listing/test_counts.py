"""The list totals' cache: bounded, least recently used first, off at 0."""

from __future__ import annotations

from api.listing.query import CountCache


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
