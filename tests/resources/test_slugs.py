"""The closest-slug rule (no database)."""

from __future__ import annotations

from api.resources.slugs import suggest


def test_normalised_match_first_then_prefix_then_distance() -> None:
    candidates = ["gpt-2-1-5b", "gpt-2", "gpt-3", "gpt-21", "alexnet"]
    assert suggest("GPT 2", candidates) == ["gpt-2", "gpt-21", "gpt-2-1-5b", "gpt-3"]
    assert suggest("zzz", candidates) == []


def test_a_transposed_slug_is_one_edit_away() -> None:
    """The slug rule shares the vocabularies' edit distance, transpositions included."""
    # gtp3 -> gpt3 is one transposition; gtp3 -> gtx3 one substitution: a tie, by slug.
    assert suggest("gtp-3", ["gtx-3", "gpt-3"]) == ["gpt-3", "gtx-3"]
