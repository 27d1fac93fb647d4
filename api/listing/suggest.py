"""Matching a value people typed against the known values of a closed vocabulary.

One rule everywhere (query values, vocabulary names, path values with a fixed set):

1. A value *matches* a known value when both are equal once case, spaces, punctuation
   and accents are ignored (``key``): ``open ai``, ``Open-AI`` and ``OPENAI`` all match
   ``OpenAI``; ``likely`` matches ``Likely``.
2. A value that matches nothing gets *suggestions*: the known values closest by edit
   distance (optimal string alignment: insertions, deletions, substitutions and
   transpositions of adjacent letters) between keys, within about a third of the
   key's length, and the known values whose key contains it or is contained in it
   (``open`` suggests the three kinds of open weights). Closest first, at most ``limit``.

Pure functions: no database, no HTTP.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

# Longer values are not compared letter by letter (the cost grows with the product of
# the lengths); containment still finds their neighbours.
MAX_COMPARED_LENGTH = 64
SUGGESTIONS = 5


def key(value: str) -> str:
    """``value`` without case, accents, spaces or punctuation: what matching compares."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def edit_distance(a: str, b: str, bound: int | None = None) -> int:
    """Optimal string alignment distance between ``a`` and ``b`` (a transposition of two
    adjacent characters costs 1). With ``bound``, any answer above it is ``bound + 1``."""
    if a == b:
        return 0
    if bound is not None and abs(len(a) - len(b)) > bound:
        return bound + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                best = min(best, previous2[j - 2] + 1)
            current[j] = best
        if bound is not None and min(current) > bound:
            return bound + 1
        previous2, previous = previous, current
    return previous[-1] if bound is None else min(previous[-1], bound + 1)


def keyed(values: Iterable[str]) -> dict[str, list[str]]:
    """The known values by key, each key's values in their given order."""
    out: dict[str, list[str]] = {}
    for value in values:
        same = out.setdefault(key(value), [])
        if value not in same:
            same.append(value)
    return out


def matches(value: str, by_key: Mapping[str, list[str]]) -> list[str]:
    """The known values ``value`` matches (several only when their keys coincide)."""
    found = key(value)
    return list(by_key.get(found, [])) if found else []


def _tolerance(length: int) -> int:
    return max(1, length // 3)


def suggest(value: str, known: Iterable[str], limit: int = SUGGESTIONS) -> list[str]:
    """The known values closest to ``value`` (none when nothing is close), closest first."""
    wanted = key(value)
    if not wanted:
        return []
    ranked: list[tuple[int, int, str]] = []
    for index, candidate in enumerate(dict.fromkeys(known)):
        other = key(candidate)
        if not other:
            continue
        tolerance = _tolerance(max(len(wanted), len(other)))
        contained = len(wanted) >= 3 and (wanted in other or other in wanted)
        if len(wanted) <= MAX_COMPARED_LENGTH and len(other) <= MAX_COMPARED_LENGTH:
            distance = edit_distance(wanted, other, tolerance)
        else:
            distance = tolerance + 1
        if distance <= tolerance:
            ranked.append((distance, index, candidate))
        elif contained:
            ranked.append((tolerance + 1 + abs(len(other) - len(wanted)), index, candidate))
    ranked.sort()
    return [candidate for _, _, candidate in ranked[:limit]]
