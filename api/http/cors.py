"""CORS for a public, read-only API: the same headers with or without ``Origin``.

A CDN or a proxy cache that leaves ``Origin`` out of its cache key serves one stored
copy to every client, so the CORS headers cannot depend on whether the request that
filled the cache had an ``Origin``:

- with the default origins (``*``, public data) every response, errors and 304s
  included, says ``Access-Control-Allow-Origin: *`` and never ``Vary: Origin``;
- with a list of origins every response says ``Vary: Origin`` (a cache must key on
  it) and an allowed ``Origin`` is echoed back.

A preflight (``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``) is
answered here and never reaches the application; a refused one is a ``403`` problem
that names what was refused. Why not Starlette's ``CORSMiddleware``: it sends nothing
to a request without ``Origin`` and refuses preflights as ``400 text/plain``.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http.problems import refusal

ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS")
ALLOWED_HEADERS = ("Accept", "Accept-Encoding", "If-None-Match", "Content-Type")
# Request headers a browser may always send (the CORS-safelisted ones).
_SAFELISTED = frozenset({"accept", "accept-language", "content-language", "content-type"})
# Headers a browser client may read from a cross-origin response.
EXPOSED_HEADERS = (
    "ETag",
    "Link",
    "X-Total-Count",
    "X-Data-Version",
    "X-Data-Attribution",
    "Content-Disposition",
)
MAX_AGE_SECONDS = 600


class CorsMiddleware:
    """Adds the CORS headers to every response and answers preflights (module docs)."""

    def __init__(self, app: ASGIApp, origins: Sequence[str]) -> None:
        self.app = app
        self.any_origin = "*" in origins
        self.origins = frozenset(origins)
        self.allowed_headers = _SAFELISTED | {h.lower() for h in ALLOWED_HEADERS}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if (
            scope["method"] == "OPTIONS"
            and origin is not None
            and "access-control-request-method" in headers
        ):
            await self.preflight(scope, headers, origin)(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.decorate(MutableHeaders(scope=message), origin)
            await send(message)

        await self.app(scope, receive, send_with_cors)

    def decorate(self, headers: MutableHeaders, origin: str | None) -> None:
        """The CORS headers of a response to a request with this ``Origin`` (or none)."""
        if self.any_origin:
            headers["access-control-allow-origin"] = "*"
        else:
            _add_vary(headers, "Origin")
            if origin is None or origin not in self.origins:
                return
            headers["access-control-allow-origin"] = origin
        headers["access-control-expose-headers"] = ", ".join(EXPOSED_HEADERS)

    def preflight(self, scope: Scope, headers: Headers, origin: str) -> Response:
        """The answer to a preflight: 200 with the allowed methods and headers, or a 403."""
        refused = self.refusal(headers, origin)
        if refused is not None:
            response: Response = refusal(scope, 403, refused)
        else:
            response = Response(status_code=200)
            response.headers["access-control-allow-methods"] = ", ".join(ALLOWED_METHODS)
            response.headers["access-control-allow-headers"] = ", ".join(ALLOWED_HEADERS)
            response.headers["access-control-max-age"] = str(MAX_AGE_SECONDS)
        self.decorate(response.headers, origin)
        return response

    def refusal(self, headers: Headers, origin: str) -> str | None:
        """Why this preflight is refused, or None when it is allowed."""
        if not self.any_origin and origin not in self.origins:
            return f"the origin {origin!r} is not allowed"
        method = headers["access-control-request-method"].strip()
        if method not in ALLOWED_METHODS:
            return f"the method {method!r} is not allowed; allowed: {', '.join(ALLOWED_METHODS)}"
        requested = headers.get("access-control-request-headers", "")
        names = {n.strip().lower() for n in requested.split(",") if n.strip()}
        extra = sorted(names - self.allowed_headers)
        if extra:
            allowed = ", ".join(ALLOWED_HEADERS)
            return f"the headers {', '.join(extra)} are not allowed; allowed: {allowed}"
        return None


def _add_vary(headers: MutableHeaders, name: str) -> None:
    current = {v.strip().lower() for v in headers.get("vary", "").split(",") if v.strip()}
    if name.lower() not in current:
        headers.add_vary_header(name)
