"""Query-parameter plumbing shared by every route."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.dependencies.models import Dependant

from api.errors import InvalidParameterError

_ALLOWED_BY_ROUTE: dict[int, frozenset[str]] = {}


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def reject_unknown_params(request: Request) -> None:
    """400 for a query parameter the route does not define: a typo never returns everything."""
    route: Any = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    allowed = _ALLOWED_BY_ROUTE.get(id(route))
    if allowed is None:
        allowed = frozenset(_query_names(dependant))
        _ALLOWED_BY_ROUTE[id(route)] = allowed
    for name in request.query_params:
        if name not in allowed:
            expected = ", ".join(sorted(allowed)) or "none"
            raise InvalidParameterError(
                name,
                f"unknown query parameter; this endpoint accepts: {expected}",
                "unknown_parameter",
            )
