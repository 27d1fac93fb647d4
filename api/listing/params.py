"""Checks shared by every collection's parameters (no FastAPI: plain values in)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from pydantic import BeforeValidator

from api.errors import InvalidParameterError


def any_case(values: Iterable[str]) -> BeforeValidator:
    """A validator that turns a value matching one of ``values`` but for case into it.

    With a ``Literal`` of ``values`` the document declares them as an enum while the
    filters keep accepting any case (``confidence=speculative``), as they always have.
    """
    canonical = {value.lower(): value for value in values}

    def fold(value: Any) -> Any:
        return canonical.get(value.lower(), value) if isinstance(value, str) else value

    return BeforeValidator(fold)


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
    check_known_fields("fields", names, allowed, expected="any of")
    return tuple(dict.fromkeys(["slug", *names]))


def check_known_fields(
    parameter: str, names: Iterable[str], allowed: Collection[str], expected: str = "one of"
) -> None:
    """400 naming the first of ``names`` that is not a field in ``allowed``."""
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise InvalidParameterError(
            parameter,
            f"unknown field {unknown[0]!r}; expected {expected} {', '.join(sorted(allowed))}",
            "unknown_field",
        )


def pick(item: Mapping[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """``item`` reduced to ``fields`` (in their order) and its ``meta``, if any."""
    out = {name: item[name] for name in fields if name in item}
    if "meta" in item:
        out["meta"] = item["meta"]
    return out
