"""Over-long query strings: a 414 problem before any cache, routing or parsing.

The longest legitimate query of the API (every filter of ``/v1/models`` at once, a
sort and a long ``fields=`` list) is well under 1 KiB; ``max_query_bytes`` (2048 by
default) leaves room for that and refuses the rest. Answering early keeps such
requests out of the response cache's key memo and the parameter parsing, and keeps
the ``Link`` headers (which repeat the query up to three times) within what a stock
proxy buffers for response headers (nginx: 4 KiB). Installed just inside the
security headers middleware, so the 414 carries those headers too.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from api.http.problems import refusal


class QueryCapMiddleware:
    """Answers 414 URI Too Long to a request whose raw query exceeds ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and len(scope.get("query_string", b"")) > self.max_bytes:
            # The problem names the path only (``instance``), never the long query.
            response = refusal(
                {**scope, "query_string": b""},
                414,
                f"the query string is longer than {self.max_bytes} bytes",
                title="URI Too Long",  # RFC 9110 15.5.15 (Python's phrase is older)
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
