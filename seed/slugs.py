"""Stable, URL-safe slugs for seeded records."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_NON_ALNUM = re.compile(r"[^a-z0-9]+")

# Letters that NFKD does not reduce to ASCII but that carry meaning in model names.
_TRANSLITERATE = str.maketrans(
    {"\u03a3": "sigma", "\u03c3": "sigma", "\u03bb": "lambda", "\u00d7": "x", "\u00b7": "-"}
)


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by hyphens: 'GPT-3 175B (davinci)' -> 'gpt-3-175b-davinci'."""
    text = text.translate(_TRANSLITERATE)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub("-", ascii_text.lower()).strip("-")


def assign_unique_slugs(keys: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Map each name to a unique slug.

    ``keys`` are (name, tiebreak) pairs, tiebreak usually the ISO publication date.
    Names whose slugs collide are ordered by (tiebreak, name): the first keeps the
    bare slug, the next ones get ``-2``, ``-3``... so the result depends only on
    the data, never on file order or the machine.
    """
    by_slug: dict[str, list[tuple[str, str]]] = {}
    for name, tiebreak in keys:
        base = slugify(name) or "item"
        by_slug.setdefault(base, []).append((tiebreak, name))
    result: dict[str, str] = {}
    taken = set(by_slug)
    for base, members in sorted(by_slug.items()):
        for index, (_, name) in enumerate(sorted(members)):
            if index == 0:
                result[name] = base
                continue
            suffix = index + 1
            while f"{base}-{suffix}" in taken:
                suffix += 1
            candidate = f"{base}-{suffix}"
            taken.add(candidate)
            result[name] = candidate
    return result
