"""Query-parameter plumbing shared by every route."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, get_args

from fastapi import Request
from fastapi.dependencies.models import Dependant

from api.errors import InvalidParameterError, UnprocessableError

_ALLOWED_BY_ROUTE: dict[int, tuple[frozenset[str], frozenset[str]]] = {}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def _is_date(annotation: Any) -> bool:
    return annotation is dt.date or any(_is_date(arg) for arg in get_args(annotation))


def _date_names(dependant: Dependant) -> set[str]:
    names = {p.alias for p in dependant.query_params if _is_date(p.field_info.annotation)}
    for sub in dependant.dependencies:
        names |= _date_names(sub)
    return names


def _nul(loc: list[str | int]) -> UnprocessableError:
    # No database stores NUL in text (PostgreSQL refuses it outright): refuse it here.
    error = UnprocessableError(str(loc[-1]), "must not contain a NUL character", "string_nul")
    if error.errors:
        error.errors[0].loc = loc
    return error


def reject_unknown_params(request: Request) -> None:
    """400 for a query parameter the route does not define: a typo never returns everything."""
    route: Any = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = _ALLOWED_BY_ROUTE.get(id(route))
    if known is None:
        known = (frozenset(_query_names(dependant)), frozenset(_date_names(dependant)))
        _ALLOWED_BY_ROUTE[id(route)] = known
    allowed, dates = known
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
        # Pydantic would read "0" or "20240101" as Unix timestamps: dates must be ISO 8601.
        if name in dates and not _ISO_DATE.fullmatch(value):
            raise UnprocessableError(
                name,
                f"{value!r} is not an ISO 8601 date (YYYY-MM-DD)",
                "date_from_datetime_parsing",
            )
