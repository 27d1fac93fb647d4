"""Handlers that render every error as problem details."""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DatabaseError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from api.db.budget import interrupted
from api.db.engine import is_sqlite, sqlite_path
from api.db.integrity import report_damage
from api.errors import PROBLEM_JSON, ApiError, FieldError, Problem

logger = logging.getLogger("api.errors")


def problem_response(
    request: Request,
    status: int,
    *,
    title: str | None = None,
    detail: str | None = None,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Render a problem details response."""
    problem = Problem(
        title=title or HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=request.url.path,
        errors=errors,
    )
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def refusal(scope: Scope, status: int, detail: str, *, title: str | None = None) -> JSONResponse:
    """A problem a middleware answers before the app runs (Host, forwarded headers, query
    length, CORS preflight): never stored by a cache."""
    return problem_response(
        Request(scope), status, title=title, detail=detail, headers={"cache-control": "no-store"}
    )


def _validation_errors(exc: RequestValidationError) -> list[FieldError]:
    errors = []
    for error in exc.errors():
        loc = [part if isinstance(part, int) else str(part) for part in error.get("loc", ())]
        errors.append(FieldError(loc=loc, msg=str(error.get("msg")), type=str(error.get("type"))))
    return errors


async def _handle_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return problem_response(
        request,
        exc.status,
        title=exc.title,
        detail=exc.detail,
        errors=exc.errors,
        headers=exc.headers,
    )


async def _handle_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _validation_errors(exc)
    detail = "; ".join(
        f"{'.'.join(str(p) for p in e.loc[1:]) or e.loc[0]}: {e.msg}" for e in errors
    )
    return problem_response(
        request, 422, title="Invalid request", detail=detail or None, errors=errors
    )


async def _handle_http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"No resource at {request.url.path}"
    elif exc.status_code == 405:
        detail = f"Method {request.method} is not allowed; this API is read-only (GET, HEAD)."
    headers = dict(exc.headers) if exc.headers else None
    return problem_response(request, exc.status_code, detail=detail, headers=headers)


async def _handle_database_error(request: Request, exc: Exception) -> JSONResponse:
    orig = getattr(exc, "orig", None)
    if orig is not None and interrupted(orig):
        logger.warning("statement stopped by DLE_DB_STATEMENT_TIMEOUT_MS on %s", request.url.path)
        return problem_response(
            request,
            503,
            detail="The request needed more database time than the server allows; "
            "narrow it (filters, a smaller limit) or try again later.",
            headers={"Retry-After": "5"},
        )
    logger.warning("database unavailable: %s", type(exc).__name__)
    return problem_response(
        request,
        503,
        detail="The database is unavailable; try again shortly.",
        headers={"Retry-After": "5"},
    )


async def _handle_damaged_database(request: Request, exc: Exception) -> JSONResponse:
    """SQLite's corruption errors ("database disk image is malformed", "file is not a
    database") are DatabaseErrors, not OperationalErrors: a 503 too, logged once."""
    assert isinstance(exc, DatabaseError)
    url = getattr(getattr(request.app.state, "settings", None), "database_url", "")
    path = sqlite_path(url) if url and is_sqlite(url) else None
    if path is not None:
        report_damage(path, str(exc.orig))
    else:
        logger.error("database error: %s", exc.orig)
    return problem_response(
        request,
        503,
        detail="The database is unavailable; try again shortly.",
        headers={"Retry-After": "30"},
    )


async def _handle_unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s", request.url.path, exc_info=exc)
    return problem_response(request, 500, detail="An unexpected error occurred.")


def install_error_handlers(app: FastAPI) -> None:
    """Route every error through the problem-details renderer."""
    app.add_exception_handler(ApiError, _handle_api_error)
    app.add_exception_handler(RequestValidationError, _handle_validation_error)
    app.add_exception_handler(StarletteHTTPException, _handle_http_exception)
    app.add_exception_handler(OperationalError, _handle_database_error)
    app.add_exception_handler(DatabaseError, _handle_damaged_database)
    app.add_exception_handler(PoolTimeoutError, _handle_database_error)
    app.add_exception_handler(InterfaceError, _handle_database_error)
    app.add_exception_handler(Exception, _handle_unexpected)
