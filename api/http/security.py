"""Security headers on every response the service writes.

A pure ASGI middleware, outermost, so that every answer carries them: data, problems,
304s, CORS preflights, the documentation pages and their assets.

- ``X-Content-Type-Options: nosniff``: browsers take the declared media type (a JSON
  or CSV body is never run as a script or rendered as HTML);
- ``Referrer-Policy: no-referrer``: links out of the documentation pages do not leak
  the query a user typed;
- ``Content-Security-Policy``: a response without a policy of its own (everything but
  the documentation pages) gets ``default-src 'none'; frame-ancestors 'none'``: it loads
  nothing and no other site frames it. A page with its own policy keeps it, with
  ``frame-ancestors 'none'`` added when the policy does not say who may frame it.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
DEFAULT_POLICY = "default-src 'none'; frame-ancestors 'none'"
NO_FRAMING = "frame-ancestors 'none'"


class SecurityHeadersMiddleware:
    """Adds the security headers to every HTTP response (see the module docs)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                secure(MutableHeaders(scope=message))
            await send(message)

        await self.app(scope, receive, send_secured)


def secure(headers: MutableHeaders) -> None:
    """Add the security headers that ``headers`` lacks."""
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)
    policy = headers.get("content-security-policy")
    if policy is None:
        headers["content-security-policy"] = DEFAULT_POLICY
    elif "frame-ancestors" not in policy:
        headers["content-security-policy"] = f"{policy}; {NO_FRAMING}"
