"""Checks shared by every collection's parameters (no FastAPI: plain values in)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from api.errors import InvalidParameterError


def check_window(start: dt.date | None, end: dt.date | None) -> None:
    """400 unless ``start`` is before ``end`` (end is exclusive)."""
    if start is not None and end is not None and start >= end:
        raise InvalidParameterError(
            "start", f"start ({start}) must be before end ({end}); end is exclusive"
        )


def select_fields(
    raw: str | None, allowed: Collection[str], default: Sequence[str]
) -> tuple[str, ...]:
    """``fields=a,b`` checked against ``allowed``; ``slug`` always comes first."""
    if raw is None or not raw.strip():
        return tuple(default)
    names = [part.strip() for part in raw.split(",") if part.strip()]
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise InvalidParameterError(
            "fields",
            f"unknown field {unknown[0]!r}; expected any of {', '.join(sorted(allowed))}",
            "unknown_field",
        )
    return tuple(dict.fromkeys(["slug", *names]))


def pick(item: Mapping[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """``item`` reduced to ``fields`` (in their order) and its ``meta``, if any."""
    out = {name: item[name] for name in fields if name in item}
    if "meta" in item:
        out["meta"] = item["meta"]
    return out
