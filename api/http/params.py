"""Query-parameter plumbing shared by every route."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, get_args

from fastapi import Request
from fastapi._compat import ModelField, field_annotation_is_sequence
from fastapi.dependencies.models import Dependant

from api.errors import InvalidParameterError, UnprocessableError

# The grammar of a query value of each type, stricter than Pydantic's lax parsing, which
# reads "20240101" as a Unix timestamp, "1_000" as 1000, " +5" as 5 and "nan" as NaN.
# Numbers are JSON numbers; dates ISO 8601 calendar dates.
_GRAMMARS: dict[type, tuple[re.Pattern[str], str, str]] = {
    dt.date: (
        re.compile(r"\d{4}-\d{2}-\d{2}"),
        "is not an ISO 8601 date (YYYY-MM-DD)",
        "date_from_datetime_parsing",
    ),
    int: (re.compile(r"-?(?:0|[1-9]\d*)"), "is not an integer", "int_parsing"),
    float: (
        re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?"),
        "is not a number (JSON number syntax, e.g. 1.5e9)",
        "float_parsing",
    ),
}
# Per route: the names it accepts, the grammar type of each typed one, the single-valued ones.
_KNOWN_BY_ROUTE: dict[int, tuple[frozenset[str], dict[str, type], frozenset[str]]] = {}


def _query_params(dependant: Dependant) -> list[ModelField]:
    """The query parameters of a route, its dependencies' included."""
    params = list(dependant.query_params)
    for sub in dependant.dependencies:
        params += _query_params(sub)
    return params


def _grammar_type(annotation: Any) -> type | None:
    """The type whose grammar a parameter's values follow (``int | None`` -> int)."""
    if annotation in _GRAMMARS:
        return annotation  # type: ignore[no-any-return]
    if annotation is bool:
        return None
    for arg in get_args(annotation):
        found = _grammar_type(arg)
        if found is not None:
            return found
    return None


def _nul(loc: list[str | int]) -> UnprocessableError:
    # No database stores NUL in text (PostgreSQL refuses it outright): refuse it here.
    error = UnprocessableError(str(loc[-1]), "must not contain a NUL character", "string_nul")
    if error.errors:
        error.errors[0].loc = loc
    return error


def reject_unknown_params(request: Request) -> None:
    """400 for a query parameter the route does not define (a typo never returns everything)
    or a single-valued one given twice (which value was meant?); 422 for NUL or a value
    outside its type's grammar."""
    route: Any = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = _KNOWN_BY_ROUTE.get(id(route))
    if known is None:
        params = _query_params(dependant)
        typed_params = ((p.alias, _grammar_type(p.field_info.annotation)) for p in params)
        known = (
            frozenset(p.alias for p in params),
            {alias: kind for alias, kind in typed_params if kind is not None},
            frozenset(
                p.alias for p in params if not field_annotation_is_sequence(p.field_info.annotation)
            ),
        )
        _KNOWN_BY_ROUTE[id(route)] = known
    allowed, typed, single = known
    seen: set[str] = set()
    for name, value in request.path_params.items():
        if isinstance(value, str) and "\x00" in value:
            raise _nul(["path", name])
    for name, value in request.query_params.multi_items():
        if "\x00" in value:
            raise _nul(["query", name])
        if name not in allowed:
            expected = ", ".join(sorted(allowed)) or "none"
            raise InvalidParameterError(
                name,
                f"unknown query parameter; this endpoint accepts: {expected}",
                "unknown_parameter",
            )
        kind = typed.get(name)
        if kind is not None:
            grammar, message, error_type = _GRAMMARS[kind]
            if not grammar.fullmatch(value):
                raise UnprocessableError(name, f"{value!r} {message}", error_type)
        if name in single:
            if name in seen:  # otherwise the last one would silently win
                raise InvalidParameterError(
                    name, "given more than once; this parameter takes one value", "repeated"
                )
            seen.add(name)
