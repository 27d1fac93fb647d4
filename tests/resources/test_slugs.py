"""The closest-slug rule (no database)."""

from __future__ import annotations

from api.resources.slugs import edit_distance, suggest


def test_edit_distance_with_a_limit() -> None:
    assert edit_distance("kitten", "sitting", 3) == 3
    assert edit_distance("kitten", "sitting", 2) is None
    assert edit_distance("abc", "abc", 0) == 0


def test_normalised_match_first_then_prefix_then_distance() -> None:
    candidates = ["gpt-2-1-5b", "gpt-2", "gpt-3", "gpt-21", "alexnet"]
    assert suggest("GPT 2", candidates) == ["gpt-2", "gpt-21", "gpt-2-1-5b", "gpt-3"]
    assert suggest("zzz", candidates) == []
