"""Query-parameter plumbing shared by every route."""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args, get_origin

from fastapi import Request
from fastapi._compat import ModelField, field_annotation_is_sequence
from fastapi.dependencies.models import Dependant

from api.errors import InvalidParameterError, UnprocessableError
from api.listing.params import Folding, unknown_value
from api.listing.suggest import key, suggest

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
# The words Pydantic reads as booleans (any case); ``true`` and ``false`` are suggested.
_BOOLEANS = frozenset({"true", "false", "1", "0", "yes", "no", "on", "off", "t", "f", "y", "n"})


@dataclass(frozen=True)
class ClosedSet:
    """The fixed values a parameter takes (a ``Literal``, an enum or a boolean)."""

    values: tuple[str, ...]
    vocabulary: str | None = None
    boolean: bool = False

    def admits(self, value: str) -> bool:
        """Whether ``value`` matches one of the values (``api.listing.suggest``)."""
        if self.boolean:
            return value.lower() in _BOOLEANS
        found = key(value)
        return bool(found) and any(key(known) == found for known in self.values)


@dataclass(frozen=True)
class _RouteParams:
    allowed: frozenset[str]
    typed: dict[str, type]
    single: frozenset[str]
    closed: dict[tuple[str, str], ClosedSet]


# Per route: the names it accepts, the grammar type of each typed one, the single-valued
# ones, the closed set of values of each (location, name) that has one.
_KNOWN_BY_ROUTE: dict[int, _RouteParams] = {}


def _query_params(dependant: Dependant) -> list[ModelField]:
    """The query parameters of a route, its dependencies' included."""
    params = list(dependant.query_params)
    for sub in dependant.dependencies:
        params += _query_params(sub)
    return params


def _path_params(dependant: Dependant) -> list[ModelField]:
    """The path parameters of a route, its dependencies' included."""
    params = list(dependant.path_params)
    for sub in dependant.dependencies:
        params += _path_params(sub)
    return params


def closed_set(annotation: Any, metadata: tuple[Any, ...] = ()) -> ClosedSet | None:
    """The closed set of an annotation: ``Literal`` values, enum values or a boolean,
    inside ``X | None``, ``tuple[X, ...]`` and ``Annotated`` (whose ``Folding`` names
    the vocabulary)."""
    vocabulary = next((m.vocabulary for m in metadata if isinstance(m, Folding)), None)
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *extra = get_args(annotation)
        return closed_set(inner, (*metadata, *extra))
    if origin is Literal:
        return ClosedSet(tuple(str(arg) for arg in get_args(annotation)), vocabulary)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return ClosedSet(tuple(str(member.value) for member in annotation), vocabulary)
    if annotation is bool:
        return ClosedSet(("true", "false"), boolean=True)
    for arg in get_args(annotation):
        found = closed_set(arg, metadata)
        if found is not None:
            return found
    return None


def _route_params(dependant: Dependant) -> _RouteParams:
    params = _query_params(dependant)
    typed_params = ((p.alias, _grammar_type(p.field_info.annotation)) for p in params)
    closed: dict[tuple[str, str], ClosedSet] = {}
    for location, fields in (("query", params), ("path", _path_params(dependant))):
        for p in fields:
            found = closed_set(p.field_info.annotation, tuple(p.field_info.metadata))
            if found is not None:
                closed[(location, p.alias)] = found
    return _RouteParams(
        allowed=frozenset(p.alias for p in params),
        typed={alias: kind for alias, kind in typed_params if kind is not None},
        single=frozenset(
            p.alias for p in params if not field_annotation_is_sequence(p.field_info.annotation)
        ),
        closed=closed,
    )


def _check_closed(location: str, name: str, value: str, closed: ClosedSet | None) -> None:
    if closed is not None and not closed.admits(value):
        raise unknown_value(
            name, value, closed.values, vocabulary=closed.vocabulary, location=location
        )


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


async def reject_unknown_params(request: Request) -> None:
    """400 for a query parameter the route does not define (a typo never returns everything),
    a single-valued one given twice (which value was meant?) or a value outside the
    parameter's closed set (empty included), with suggestions; 404 for a path value
    outside its closed set; 422 for NUL or a value outside its type's grammar."""
    route: Any = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = _KNOWN_BY_ROUTE.get(id(route))
    if known is None:
        known = _KNOWN_BY_ROUTE[id(route)] = _route_params(dependant)
    seen: set[str] = set()
    for name, value in request.path_params.items():
        if isinstance(value, str) and "\x00" in value:
            raise _nul(["path", name])
        if isinstance(value, str):
            _check_closed("path", name, value, known.closed.get(("path", name)))
    for name, value in request.query_params.multi_items():
        if "\x00" in value:
            raise _nul(["query", name])
        if name not in known.allowed:
            expected = ", ".join(sorted(known.allowed)) or "none"
            raise InvalidParameterError(
                name,
                f"unknown query parameter; this endpoint accepts: {expected}",
                "unknown_parameter",
                suggestions=suggest(name, sorted(known.allowed)) or None,
            )
        kind = known.typed.get(name)
        if kind is not None:
            grammar, message, error_type = _GRAMMARS[kind]
            if not grammar.fullmatch(value):
                raise UnprocessableError(name, f"{value!r} {message}", error_type)
        _check_closed("query", name, value, known.closed.get(("query", name)))
        if name in known.single:
            if name in seen:  # otherwise the last one would silently win
                raise InvalidParameterError(
                    name, "given more than once; this parameter takes one value", "repeated"
                )
            seen.add(name)
