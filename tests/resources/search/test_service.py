"""Snippets and the query's normal form (no database)."""

from __future__ import annotations

from api.resources.search.service import snippet
from api.resources.search.text import squeeze
from api.tables.search import key, words


def test_normal_form() -> None:
    assert words("GPT-4 (Mar 2023)") == ["gpt", "4", "mar", "2023"]
    assert key("GPT 4") == key("gpt4") == key("gpt-4") == "gpt4"
    assert key("DALL·E 2") == "dalle2"
    assert key("PanGu-Σ") == "pangusigma"
    assert words("Café déjà-vu") == ["cafe", "deja", "vu"]
    assert squeeze("GPT 4 (Mar)") == "gpt4mar"


def test_snippet_is_around_the_first_match() -> None:
    text = "word " * 100 + "The Transformer is here. " + "tail " * 100
    found = snippet(text, ["transformer"], length=60)
    assert found is not None
    assert found.startswith("\u2026") and found.endswith("\u2026")
    assert "Transformer" in found and len(found) <= 62


def test_snippet_without_a_match_is_the_beginning() -> None:
    assert snippet("Short text.", ["zzz"]) == "Short text."
    assert snippet(None, ["x"]) is None
