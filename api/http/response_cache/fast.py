"""Cache hits answered outermost, before every other middleware and the routing.

``ResponseCacheMiddleware`` sits innermost, so a hit still passes through the
security headers, CORS, the query cap, the forwarded headers, the Host check and the
HTTP layer (ETag, 304, Cache-Control, HEAD, gzip) on its way out: most of a hit's
cost. This middleware, in front of all of them, answers a hit with the exact
messages that chain sent for the same entry, recorded once:

* **Recorded, not rebuilt.** A request the middleware cannot answer yet passes through
  the whole application. When the inner cache answered it from entry E (it says so in
  the scope's ``SERVED`` slot) of the generation read here, with the key computed
  here, the final status, headers and body are kept with E, per *class* of request:
  the gzip variant or not, and 200 or 304. Later requests of the same class get those
  bytes. The outer middlewares' answer depends only on what the class fixes, because
  every request that could be answered differently is passed through instead:

  - ``If-Match`` or ``If-Modified-Since`` (rare preconditions), an ``Origin`` when
    CORS allows a list of origins (the answer echoes it), forwarded headers from a
    trusted proxy (they rewrite the address), a query over the cap (414), not
    exactly one ``Host`` (400; its value is part of the key, so it was checked when
    the entry's answer was recorded);
  - ``If-None-Match`` picks the recorded 304 when it matches the recorded ETag (as
    the HTTP layer compares them) and the recorded 200 otherwise.

  HEAD gets the GET's headers without a body, as the HTTP layer gives it.
* **Never stale.** The data generation is known for every request first, from the
  same probe as the inner cache: read for it, or by a read that started after it
  arrived (the server edge says when: ``wire``); recorded answers belong to their
  entry, which belongs to one generation, and go with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.config import Settings
from api.http import compression
from api.http.conditional import etag_matches
from api.http.forwarded import TrustedPeers
from api.http.response_cache.middleware import CACHED_PATH_PREFIX, SERVED, key_of
from api.http.response_cache.probe import GenerationProbe
from api.http.response_cache.store import CachedResponse, Prepared, ResponseCache
from api.http.response_cache.wire import Edge, edge_of

# Request headers that make an answer one this middleware does not record or give.
_PASS = frozenset({b"if-match", b"if-modified-since"})
_FORWARDED_PREFIX = b"x-forwarded-"


@dataclass(slots=True)
class Served:
    """What the inner cache answered from: set by it on a hit."""

    generation: str | None = None
    key: str | None = None
    entry: CachedResponse | None = None


@lru_cache(maxsize=256)
def _gzip_ok(accept_encoding: bytes) -> bool:
    return compression.accepts_gzip(accept_encoding.decode("latin-1"))


@dataclass(slots=True)
class _Request:
    key: str
    gzip: bool
    if_none_match: str | None


class FastHitMiddleware:
    """Answers recorded cache hits before the rest of the application (module docs)."""

    def __init__(
        self,
        app: ASGIApp,
        cache: ResponseCache,
        probe: GenerationProbe,
        *,
        max_query_bytes: int,
        any_origin: bool,
        trusted: str,
    ) -> None:
        self.app = app
        self.cache = cache
        self.probe = probe
        self.max_query_bytes = max_query_bytes
        self.any_origin = any_origin
        self.trusted = TrustedPeers(trusted)

    def classify(self, scope: Scope) -> _Request | None:
        """The request's class, or None when it must go through the application."""
        if len(scope.get("query_string", b"")) > self.max_query_bytes:
            return None
        host = accept = accept_encoding = inm = None
        hosts = 0
        forwarded = False
        for name, value in scope["headers"]:
            if name == b"host":
                host, hosts = value, hosts + 1
            elif name == b"accept":
                accept = value
            elif name == b"accept-encoding":
                accept_encoding = value
            elif name == b"if-none-match":
                if inm is not None:
                    return None
                inm = value
            elif name in _PASS:
                return None
            elif name == b"origin":
                if not self.any_origin:
                    return None
            elif name == b"forwarded" or name.startswith(_FORWARDED_PREFIX):
                forwarded = True
        if hosts != 1 and not (hosts == 0 and scope.get("http_version") == "1.0"):
            return None
        if forwarded:
            client = scope.get("client")
            if (client[0] if client else None) in self.trusted:
                return None
        return _Request(
            key=key_of(scope, host or b"", accept or b""),
            gzip=_gzip_ok(accept_encoding) if accept_encoding is not None else False,
            if_none_match=inm.decode("latin-1") if inm is not None else None,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or not scope["path"].startswith(CACHED_PATH_PREFIX)
        ):
            await self.app(scope, receive, send)
            return
        request = self.classify(scope)
        if request is None:
            await self.app(scope, receive, send)
            return
        edge = edge_of(scope)
        generation = await self.probe.read(edge.arrived_ns if edge is not None else None)
        if generation is None:
            await self.app(scope, receive, send)
            return
        entry = self.cache.get(generation, request.key)
        if entry is not None and await self._answer(scope, send, entry, request, edge):
            return
        await self._through(scope, receive, send, generation, request)

    async def _answer(
        self,
        scope: Scope,
        send: Send,
        entry: CachedResponse,
        request: _Request,
        edge: Edge | None,
    ) -> bool:
        ok = entry.prepared.get((request.gzip, 200))
        if ok is None:
            return False
        answer = ok
        if request.if_none_match is not None and etag_matches(request.if_none_match, ok.etag):
            not_modified = entry.prepared.get((request.gzip, 304))
            if not_modified is None:
                return False
            answer = not_modified
        body = b"" if scope["method"] == "HEAD" else answer.body
        # Under a server that writes a recorded answer in one piece (``wire``): that.
        lines = answer.lines
        if edge is not None and lines is not None and edge.write(answer.status, lines, body):
            return True
        # A new list: whatever receives it may edit it; the stored tuple stays as it is.
        headers = list(answer.headers)
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return True

    async def _through(
        self, scope: Scope, receive: Receive, send: Send, generation: str, request: _Request
    ) -> None:
        """Pass the request through the application; record the answer of an inner hit."""
        served = Served()
        scope[SERVED] = served
        recorded: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def record(message: Message) -> None:
            kind = message["type"]
            if kind == "http.response.start":
                recorded["start"] = message
            elif kind == "http.response.body":
                chunks.append(bytes(message.get("body", b"")))
                if message.get("more_body", False):
                    recorded["streamed"] = True
            await send(message)

        await self.app(scope, receive, record)
        start = recorded.get("start")
        if (
            start is None
            or recorded.get("streamed")
            or served.entry is None
            or served.generation != generation
            or served.key != request.key
        ):
            return
        status = start["status"]
        headers = tuple(start.get("headers", ()))
        # A 200 is the same with or without an If-None-Match that did not match.
        if status == 200 and scope["method"] == "GET":
            etag = next((v for n, v in headers if n == b"etag"), None)
            if etag is not None:
                body = b"".join(chunks)
                prepared = Prepared(200, headers, body, etag.decode("latin-1"))
                self.cache.put_prepared(
                    generation, request.key, served.entry, request.gzip, prepared
                )
        elif status == 304 and request.if_none_match is not None:
            prepared = Prepared(304, headers, b"", "")
            self.cache.put_prepared(generation, request.key, served.entry, request.gzip, prepared)


class FastHitsApp(FastAPI):
    """FastAPI with recorded cache hits answered first, before FastAPI's own per-request
    work (its telemetry check reads the environment on every request) and everything
    else. ``install_fast_hits`` sets ``fast_hits``; until then it is plain FastAPI."""

    fast_hits: FastHitMiddleware | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        fast = self.fast_hits
        if fast is None:
            await super().__call__(scope, receive, send)
        else:
            await fast(scope, receive, send)

    async def call_application(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The whole application behind the fast path."""
        await super().__call__(scope, receive, send)


def install_fast_hits(app: Any, settings: Settings) -> None:
    """Put ``FastHitMiddleware`` in front of the whole application, sharing the response
    cache and probe of ``install_response_cache``; nothing when the cache is off.

    On a ``FastHitsApp`` (what ``create_app`` builds) it runs before FastAPI's own
    ``__call__``; on another FastAPI, around its middleware stack (still outside
    Starlette's error middleware, which a recorded answer cannot raise through).
    """
    cache: ResponseCache = app.state.response_cache
    probe: GenerationProbe | None = app.state.generation_probe
    if probe is None:
        return

    def fast_hits(inner: ASGIApp) -> FastHitMiddleware:
        return FastHitMiddleware(
            inner,
            cache,
            probe,
            max_query_bytes=settings.max_query_bytes,
            any_origin="*" in settings.cors_origins,
            trusted=settings.forwarded_allow_ips,
        )

    if isinstance(app, FastHitsApp):
        app.fast_hits = fast_hits(app.call_application)
        return
    build = app.build_middleware_stack
    app.build_middleware_stack = lambda: fast_hits(build())
