"""Checks shared by every collection's parameters (no FastAPI: plain values in)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BeforeValidator

from api.errors import ApiError, FieldError, InvalidParameterError, NotFoundError
from api.listing.suggest import SUGGESTIONS, keyed, matches, suggest

# A vocabulary this small is listed whole in the refusal of a value outside it.
LISTED_WHOLE = 12


@dataclass(frozen=True)
class Folding(BeforeValidator):
    """``any_case``'s validator; it names the vocabulary of ``/v1/vocabularies`` whose
    values it folds, if there is one (for the refusal's pointer)."""

    vocabulary: str | None = None


def any_case(values: Iterable[str], vocabulary: str | None = None) -> Folding:
    """A validator that turns a value matching one of ``values`` (``api.listing.suggest``:
    ignoring case, spaces and punctuation) into it.

    With a ``Literal`` of ``values`` the document declares them as an enum while the
    filters accept ``confidence=likely`` or ``model_accessibility=open weights
    unrestricted``; a value matching none is refused before validation
    (``api.http.params``) with suggestions.
    """
    by_key = keyed(values)

    def fold(value: Any) -> Any:
        if isinstance(value, str):
            found = matches(value, by_key)
            if len(found) == 1:
                return found[0]
        return value

    return Folding(fold, vocabulary=vocabulary)


def unknown_value(
    parameter: str,
    value: str,
    known: Sequence[str],
    *,
    vocabulary: str | None = None,
    location: str = "query",
    common: Sequence[str] = (),
) -> ApiError:
    """The refusal of ``value`` for ``parameter``: empty, or outside ``known``, with the
    closest known values (all of them when there are few; else, when none is close, the
    first of ``common``, the most used) and where to find the rest.

    A query value is a 400; a path value is a 404 (no such resource).
    """
    where = f"; every value: /v1/vocabularies/{vocabulary}" if vocabulary else ""
    whole = len(known) <= LISTED_WHOLE
    if not value.strip():
        code, message = "empty_value", "empty value; give a value or leave the parameter out"
        close = []
    else:
        code, message = "unknown_value", f"unknown value {value!r}"
        close = suggest(value, known)
        if close:
            message += f"; closest: {', '.join(close)}"
    if whole:
        message += f"; expected one of {', '.join(known)}"
    elif not close and common:
        close = list(common[:SUGGESTIONS])
        message += f"; the most used: {', '.join(close)}"
    suggestions = close or (list(known) if whole else None)
    message += where
    if location == "query":
        return InvalidParameterError(parameter, message, code, suggestions=suggestions)
    error = FieldError(loc=[location, parameter], msg=message, type=code, suggestions=suggestions)
    return NotFoundError(f"{parameter}: {message}", errors=[error])


def check_window(start: dt.date | None, end: dt.date | None) -> None:
    """400 unless ``start`` is before ``end`` (end is exclusive)."""
    if start is not None and end is not None and start >= end:
        raise InvalidParameterError(
            "start", f"start ({start}) must be before end ({end}); end is exclusive"
        )


def select_fields(
    raw: str | None, allowed: Collection[str], default: Sequence[str]
) -> tuple[str, ...]:
    """``fields=a,b`` checked against ``allowed`` (any case); ``slug`` always comes first."""
    if raw is None or not raw.strip():
        return tuple(default)
    names = [part.strip() for part in raw.split(",") if part.strip()]
    return tuple(dict.fromkeys(["slug", *known_fields("fields", names, allowed, "any of")]))


def field_name(name: str, allowed: Collection[str]) -> str | None:
    """The field of ``allowed`` that ``name`` is, ignoring case; None if none."""
    if name in allowed:
        return name
    return next((field for field in allowed if field.lower() == name.lower()), None)


def known_fields(
    parameter: str, names: Iterable[str], allowed: Collection[str], expected: str = "one of"
) -> list[str]:
    """``names`` as fields of ``allowed`` (any case); 400 naming the first that is none,
    with the closest fields."""
    out = []
    for name in names:
        found = field_name(name, allowed)
        if found is None:
            raise unknown_field(parameter, name, allowed, expected)
        out.append(found)
    return out


def unknown_field(
    parameter: str, name: str, allowed: Collection[str], expected: str = "one of"
) -> InvalidParameterError:
    """The refusal of a field name outside ``allowed``, with the closest ones."""
    close = suggest(name, sorted(allowed))
    hint = f"; closest: {', '.join(close)}" if close else ""
    return InvalidParameterError(
        parameter,
        f"unknown field {name!r}{hint}; expected {expected} {', '.join(sorted(allowed))}",
        "unknown_field",
        suggestions=close or None,
    )


def pick(item: Mapping[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """``item`` reduced to ``fields`` (in their order) and its ``meta``, if any."""
    out = {name: item[name] for name in fields if name in item}
    if "meta" in item:
        out["meta"] = item["meta"]
    return out
