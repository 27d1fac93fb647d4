"""The answers the server writes itself, before (or instead of) the application.

They have the application's one error shape: an RFC 9457 problem+json body with the
fields a 404 of the app has (``type``, ``title``, ``status``, ``detail``; ``instance``
when the path is known), ``Cache-Control: no-store``, the security headers of
``api/http/security.py``, and ``Connection: close``: after a refusal the connection ends.
"""

from __future__ import annotations

from http import HTTPStatus

from uvicorn._types import ASGIReceiveCallable, ASGISendCallable, Scope

from api.errors import PROBLEM_JSON, Problem
from api.http.security import DEFAULT_POLICY, SECURITY_HEADERS

RETRY_AFTER_SECONDS = 5
BUSY_DETAIL = "The server is at its connection limit; try again shortly."


def problem_headers(body: bytes, extra: dict[str, str] | None = None) -> list[tuple[bytes, bytes]]:
    """The headers of a refusal whose body is ``body``."""
    headers = {
        "content-type": PROBLEM_JSON,
        "content-length": str(len(body)),
        "cache-control": "no-store",
        "connection": "close",
        **SECURITY_HEADERS,
        "content-security-policy": DEFAULT_POLICY,
        **(extra or {}),
    }
    return [(name.encode("ascii"), value.encode("latin-1")) for name, value in headers.items()]


def problem_body(status: int, detail: str, instance: str | None = None) -> bytes:
    """The problem+json body the application would write for ``status``."""
    problem = Problem(
        title=HTTPStatus(status).phrase, status=status, detail=detail, instance=instance
    )
    return problem.model_dump_json(exclude_none=True).encode("utf-8")


def raw_response(
    status: int, detail: str, default_headers: list[tuple[bytes, bytes]] | None = None
) -> bytes:
    """A whole HTTP/1.1 refusal, to write straight to a transport (no request was parsed)."""
    body = problem_body(status, detail)
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}".encode("ascii")]
    for name, value in [*(default_headers or []), *problem_headers(body)]:
        lines.append(name + b": " + value)
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


async def service_unavailable(
    scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable
) -> None:
    """The 503 of a worker at its connection limit (in place of uvicorn's plain-text one)."""
    path = scope.get("path")
    body = problem_body(503, BUSY_DETAIL, path if isinstance(path, str) else None)
    headers = problem_headers(body, {"retry-after": str(RETRY_AFTER_SECONDS)})
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
