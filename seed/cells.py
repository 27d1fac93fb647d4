"""Parsers for single CSV cells. Empty means unknown: they return None, never 0."""

from __future__ import annotations

import datetime as dt
import math

from seed.errors import AmbiguousCellError, CellError


def parse_text(cell: str) -> str | None:
    """Trimmed text, or None when the cell is blank."""
    text = cell.strip()
    return text or None


def parse_number(cell: str) -> float | None:
    """A finite, non-negative number ('3.14e+23', '10666666666.666666'), or None when blank."""
    text = cell.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        if "," in text and all(_is_number(part) for part in text.split(",")):
            raise AmbiguousCellError(f"several numbers in one cell: {text!r}") from None
        raise CellError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise CellError(f"not a finite number: {text!r}")
    if value < 0:
        raise CellError(f"negative value: {text!r}")
    return value


def parse_date(cell: str) -> dt.date:
    """An ISO 8601 calendar date (YYYY-MM-DD); required."""
    text = cell.strip()
    if not text:
        raise CellError("date is required")
    if len(text) != 10:
        raise CellError(f"not an ISO date (YYYY-MM-DD): {text!r}")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CellError(f"not an ISO date (YYYY-MM-DD): {text!r}") from None


def parse_optional_date(cell: str) -> dt.date | None:
    """An ISO 8601 calendar date, or None when blank (an undated model is kept)."""
    if not cell.strip():
        return None
    return parse_date(cell)


def parse_flag(cell: str) -> bool:
    """'True' is True; an empty cell means the flag is not set."""
    text = cell.strip()
    if text in ("", "False"):
        return False
    if text == "True":
        return True
    raise CellError(f"expected 'True' or empty: {text!r}")


def parse_choice(cell: str, allowed: frozenset[str]) -> str | None:
    """One of ``allowed``, or None when blank."""
    text = cell.strip()
    if not text:
        return None
    if text not in allowed:
        raise CellError(f"{text!r} is not one of {', '.join(sorted(allowed))}")
    return text


def parse_list(cell: str) -> list[str]:
    """Comma-separated values, trimmed, in order, repeats kept; blank parts dropped."""
    return [part.strip() for part in cell.split(",") if part.strip()]


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False
