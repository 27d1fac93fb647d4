"""The one error shape (RFC 9457 problem details) and the error types services raise."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, Field

PROBLEM_JSON = "application/problem+json"


class FieldError(BaseModel):
    """One invalid input, located like Pydantic's errors."""

    loc: list[str | int] = Field(description="Where the error is, e.g. ['query', 'limit'].")
    msg: str = Field(description="What is wrong, in words.")
    type: str = Field(description="A machine-readable error code.")
    suggestions: list[str] | None = Field(
        default=None,
        description="For a value outside a closed vocabulary: the closest known values "
        "(the whole vocabulary is at `/v1/vocabularies`).",
    )


class Problem(BaseModel):
    """RFC 9457 problem details, the body of every non-2xx response."""

    type: str = Field(default="about:blank", description="A URI identifying the problem type.")
    title: str = Field(description="A short summary of the problem type.")
    status: int = Field(description="The HTTP status code.")
    detail: str | None = Field(default=None, description="What went wrong with this request.")
    instance: str | None = Field(default=None, description="The request path.")
    errors: list[FieldError] | None = Field(
        default=None, description="Field-level errors, for invalid input."
    )


class ApiError(Exception):
    """An error with its HTTP status; rendered as problem details by one handler."""

    status: int = 500
    title: str = "Internal Server Error"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers


class NotFoundError(ApiError):
    """An unknown slug or path."""

    status = 404
    title = "Not Found"


class BadRequestError(ApiError):
    """A request the API understands but refuses."""

    status = 400
    title = "Bad Request"


class InvalidParameterError(BadRequestError):
    """A query parameter the API refuses: unknown name or field, contradictory bounds."""

    title = "Invalid query parameter"

    def __init__(
        self,
        name: str,
        message: str,
        code: str = "invalid_parameter",
        *,
        suggestions: list[str] | None = None,
    ) -> None:
        error = FieldError(loc=["query", name], msg=message, type=code, suggestions=suggestions)
        super().__init__(f"{name}: {message}", errors=[error])


class UnprocessableError(ApiError):
    """A value that fails validation but is not caught by the request schema."""

    status = 422
    title = "Unprocessable Content"

    def __init__(self, name: str, message: str, code: str = "value_error") -> None:
        super().__init__(
            f"{name}: {message}",
            errors=[FieldError(loc=["query", name], msg=message, type=code)],
        )


class ServiceUnavailableError(ApiError):
    """The database cannot answer right now."""

    status = 503
    title = "Service Unavailable"


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI declarations of the problem responses a route can give."""
    return {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
