"""The ``Host`` header: exactly one, well formed, or a 400 problem.

Absolute URLs in ``Link`` and ``Location`` are built from the request's ``Host``, and
the response cache keys entries by it. RFC 9112 (3.2) makes a server answer 400 to an
HTTP/1.1 request without ``Host`` or with more than one; a value that is not a host
name or address with an optional port is refused too, so nothing else is ever echoed
into a URL. An HTTP/1.0 request may leave ``Host`` out: its URLs name the server's own
address. Behind a trusted proxy the forwarded host replaces ``Host`` first
(``api/http/forwarded.py``) and is checked by the same rule.
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Receive, Scope, Send

from api.http.problems import refusal

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = re.compile(rf"(?:{_LABEL}(?:\.{_LABEL})*\.?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{{1,5}})?")


def is_host(value: str) -> bool:
    """Whether ``value`` is a host name or address with an optional port."""
    return _HOST.fullmatch(value) is not None


def host_problem(scope: Scope) -> str | None:
    """Why the request's ``Host`` is refused, or None when it is fine."""
    hosts = [value for name, value in scope["headers"] if name == b"host"]
    if len(hosts) > 1:
        return "more than one Host header"
    if not hosts:
        return None if scope.get("http_version") == "1.0" else "the Host header is missing"
    if not is_host(hosts[0].decode("latin-1")):
        return "the Host header is not a host name or address with an optional port"
    return None


class HostCheckMiddleware:
    """Refuses requests whose ``Host`` header is missing, repeated or malformed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            problem = host_problem(scope)
            if problem is not None:
                await refusal(scope, 400, problem)(scope, receive, send)
                return
        await self.app(scope, receive, send)
