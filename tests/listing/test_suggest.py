"""The one matching rule: keys without case, spaces, punctuation or accents; then the
closest values by edit distance and containment."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.listing.suggest import MAX_COMPARED_LENGTH, edit_distance, key, keyed, matches, suggest

DOMAINS = ["Language", "Vision", "Multimodal", "Image generation", "Speech", "Games"]
ACCESS = [
    "API access",
    "Hosted access (no API)",
    "Open weights (non-commercial)",
    "Open weights (restricted use)",
    "Open weights (unrestricted)",
    "Unreleased",
]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Open AI", "openai"),
        ("open-ai", "openai"),
        ("OPENAI", "openai"),
        ("Open weights (unrestricted)", "openweightsunrestricted"),
        ("Université de Montréal", "universitedemontreal"),
        ("  ", ""),
        ("(-)", ""),
    ],
)
def test_the_key_ignores_case_spaces_punctuation_and_accents(value: str, expected: str) -> None:
    assert key(value) == expected


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("language", "language", 0),
        ("langauge", "language", 1),  # one transposition
        ("architectures", "architecture", 1),
        ("likly", "likely", 1),
        ("kitten", "sitting", 3),
        ("", "abc", 3),
        ("abc", "", 3),
        ("ca", "abc", 3),  # optimal string alignment, not unrestricted Damerau
    ],
)
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b) == distance
    assert edit_distance(b, a) == distance


def test_a_bound_stops_early_above_it() -> None:
    assert edit_distance("abcdefgh", "zyxwvuts", bound=2) == 3
    assert edit_distance("a", "abcdefgh", bound=2) == 3
    assert edit_distance("langauge", "language", bound=2) == 1


@given(st.text(max_size=12), st.text(max_size=12))
def test_a_bounded_distance_agrees_with_the_full_one_up_to_the_bound(a: str, b: str) -> None:
    full = edit_distance(a, b)
    assert edit_distance(a, b, bound=2) == min(full, 3)


def test_matches_are_by_key_and_keep_every_value_of_a_key() -> None:
    by_key = keyed(["OpenAI", "Meta AI", "Meta-AI", "OpenAI"])
    assert matches("open ai", by_key) == ["OpenAI"]
    assert matches("META ai", by_key) == ["Meta AI", "Meta-AI"]
    assert matches("", by_key) == []
    assert matches("Google", by_key) == []


@pytest.mark.parametrize(
    ("value", "known", "expected"),
    [
        ("Langauge", DOMAINS, ["Language"]),
        ("vison", DOMAINS, ["Vision"]),
        ("LLM", DOMAINS, []),
        ("open", ACCESS, [ACCESS[4], ACCESS[2], ACCESS[3]]),  # the shortest first
        ("architectures", ["architecture", "hardware", "paper"], ["architecture"]),
        ("likly", ["Confident", "Likely", "Speculative", "Unknown"], ["Likely"]),
        ("", DOMAINS, []),
        ("---", DOMAINS, []),
    ],
)
def test_suggestions(value: str, known: list[str], expected: list[str]) -> None:
    assert suggest(value, known) == expected


def test_closest_first_then_the_values_that_contain_it() -> None:
    known = ["Google DeepMind", "Google Brain", "Google", "Googol"]
    assert suggest("google", known) == ["Google", "Googol", "Google Brain", "Google DeepMind"]
    assert suggest("google", known, limit=2) == ["Google", "Googol"]
    assert suggest("googel", known) == ["Google", "Googol"]


def test_long_values_are_matched_by_containment_only() -> None:
    long_name = "x" * (MAX_COMPARED_LENGTH + 10)
    assert suggest(long_name + "y", [long_name]) == [long_name]
    assert suggest("z" * (MAX_COMPARED_LENGTH + 10), ["zz"]) == ["zz"]
    assert suggest("q" * (MAX_COMPARED_LENGTH + 10), ["Language"]) == []
