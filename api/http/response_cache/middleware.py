"""The response cache's ASGI middleware and its request key (see the package docs)."""

from __future__ import annotations

from operator import itemgetter
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.config import Settings
from api.http.conditional import body_etag
from api.http.response_cache.probe import GenerationProbe, generation_probe
from api.http.response_cache.store import ResponseCache
from api.http.response_cache.variants import gzip_eligible, gzip_variant, wants_gzip
from api.http.response_cache.wire import arrival
from api.http.responses import DATA_VERSION_HEADER

CACHED_PATH_PREFIX = "/v1/"
# The scope key under which a hit reports its entry to ``fast.FastHitMiddleware``.
SERVED = "dle.response_cache.served"
CACHE_STATUS_HEADER = b"x-cache"
# Response ``Vary`` values this cache handles: Accept is in the key, the others are
# applied by the middleware outside this one.
_DATA_VERSION_NAME = DATA_VERSION_HEADER.lower().encode()
_VARY_HANDLED = frozenset({"accept", "accept-encoding", "origin"})
# Canonical queries are remembered (decoding one costs about 15 us, several times a
# hit's other work) up to this many bytes of queries and answers; longer queries are
# decoded every time. Each entry weighs its two texts plus the bytes and str headers,
# the tuple, the int and the dict's slot: about 300 bytes (tracemalloc), counted 400.
QUERY_MEMO_BYTES = 1 << 20
QUERY_MEMO_MAX_QUERY = 2048
_QUERY_MEMO_OVERHEAD = 400


class QueryMemo:
    """Raw query -> canonical query, bounded in bytes: a plain dict (a hit's lookup is
    one C call), emptied whole when the next entry would pass the bound, which a few
    thousand distinct queries take to reach and the ones still asked fill again."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.currsize = 0
        self._entries: dict[bytes, tuple[str, int]] = {}
        self.get = self._entries.get

    def put(self, raw: bytes, canonical: str) -> None:
        weight = len(raw) + len(canonical) + _QUERY_MEMO_OVERHEAD
        if self.currsize + weight > self.max_bytes:
            self.clear()
        self._entries[raw] = (canonical, weight)
        self.currsize += weight

    def clear(self) -> None:
        self._entries.clear()
        self.currsize = 0

    def __contains__(self, raw: bytes) -> bool:
        return raw in self._entries

    def __len__(self) -> int:
        return len(self._entries)


_query_memo = QueryMemo(QUERY_MEMO_BYTES)


def canonical_query(raw: bytes) -> str:
    """Query parameters decoded as Starlette decodes them, sorted by name (stable)."""
    known = _query_memo.get(raw)
    if known is not None:
        return known[0]
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    pairs.sort(key=itemgetter(0))
    canonical = urlencode(pairs)
    if len(raw) <= QUERY_MEMO_MAX_QUERY:
        _query_memo.put(raw, canonical)
    return canonical


def request_key(scope: Scope) -> str:
    """The canonical request: scheme, host, path, sorted query and the ``Accept`` header.

    Scheme and host are part of it because responses carry absolute URLs (``Link``).
    """
    accept = host = b""
    for name, value in scope["headers"]:
        if name == b"accept":
            accept = value
        elif name == b"host":
            host = value
    return key_of(scope, host, accept)


def key_of(scope: Scope, host: bytes, accept: bytes) -> str:
    """``request_key`` given the request's (last) ``Host`` and ``Accept`` values."""
    raw_query: bytes = scope.get("query_string", b"")
    query = canonical_query(raw_query) if raw_query else ""
    origin = f"{scope.get('scheme', 'http')}://{host.decode('latin-1')}{scope.get('root_path', '')}"
    return f"{origin}{scope['path']}?{query}\n{accept.decode('latin-1')}"


def _storable(start: Message) -> bool:
    if start["status"] != 200:
        return False
    for name, value in start.get("headers", ()):
        if name == b"set-cookie":
            return False
        if name == b"cache-control":
            directives = value.decode("latin-1").lower()
            if "no-store" in directives or "private" in directives:
                return False
        if name == b"vary":
            varies = {v.strip().lower() for v in value.decode("latin-1").split(",")}
            if not varies <= _VARY_HANDLED:
                return False
    return True


def _with_etag(headers: list[tuple[bytes, bytes]], body: bytes) -> list[tuple[bytes, bytes]]:
    """The headers with the ETag the HTTP layer would compute for this body, computed
    once here so that a hit is not hashed again on every request."""
    if any(name == b"etag" for name, _ in headers):
        return headers
    version = next((v for n, v in headers if n == _DATA_VERSION_NAME), None)
    etag = body_etag(body, version.decode("latin-1") if version is not None else None)
    return [*headers, (b"etag", etag.encode("latin-1"))]


class ResponseCacheMiddleware:
    """Serves and stores ``/v1`` responses (see the module documentation)."""

    def __init__(self, app: ASGIApp, cache: ResponseCache, probe: GenerationProbe) -> None:
        self.app = app
        self.cache = cache
        self.probe = probe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            try:
                await self.app(scope, receive, send)
            finally:
                self.probe.close()
            return
        if (
            scope["type"] != "http"
            or not self.cache.enabled
            or scope["method"] not in ("GET", "HEAD")
            or not scope["path"].startswith(CACHED_PATH_PREFIX)
        ):
            await self.app(scope, receive, send)
            return
        cache = self.cache
        generation = await self.probe.read(arrival(scope))
        if generation is None:
            await self.app(scope, receive, send)
            return
        cache.observe(generation)
        key = request_key(scope)
        entry = cache.get(generation, key)
        if entry is not None:
            served = scope.get(SERVED)
            if served is not None:  # the outer fast path records what this becomes
                served.generation, served.key, served.entry = generation, key, entry
            answer_headers, body = entry.headers, entry.body
            if wants_gzip(scope["headers"]) and gzip_eligible(answer_headers, body):
                if entry.gzip is None:
                    gzip_headers, body = gzip_variant(answer_headers, body)
                    cache.put_gzip(generation, key, entry, gzip_headers, body)
                    answer_headers = tuple(gzip_headers)
                else:
                    answer_headers, body = entry.gzip
            await send(
                {
                    "type": "http.response.start",
                    "status": entry.status,
                    # A new list each time: outer middleware edits headers in place.
                    "headers": [*answer_headers, (CACHE_STATUS_HEADER, b"HIT")],
                }
            )
            await send(
                {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
            )
            return
        if scope["method"] == "HEAD":
            await self.app(scope, receive, send)
            return
        recorder = _Recorder(send, cache.max_download_bytes)
        await self.app(scope, receive, recorder.send)
        stored = recorder.complete and recorder.start is not None and recorder.body is not None
        # Read anew (no arrival): the data must not have changed while this was computed.
        if stored and await self.probe.read() == generation:
            assert recorder.body is not None
            headers = _with_etag(recorder.headers, recorder.body)
            if recorder.streamed:  # sent in one piece from now on: its length is known
                headers = [(n, v) for n, v in headers if n != b"content-length"]
                headers.append((b"content-length", str(len(recorder.body)).encode()))
            cache.put(generation, key, 200, headers, recorder.body, large=recorder.streamed)


class _Recorder:
    """Forwards the response unchanged (plus ``x-cache: MISS``) and keeps a copy.

    A streamed body (a download) is kept while it stays within ``max_streamed``
    bytes, then joined into one body; a longer one is passed through and forgotten.
    """

    def __init__(self, send: Send, max_streamed: int) -> None:
        self._send = send
        self._max_streamed = max_streamed
        self.start: Message | None = None
        self.headers: list[tuple[bytes, bytes]] = []
        self.body: bytes | None = None
        self.complete = False
        self.streamed = False
        self._chunks: list[bytes] = []
        self._length = 0
        self._keep = True

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self._keep = _storable(message)
            if self._keep:
                self.start = message
                self.headers = list(message.get("headers", ()))
                message = {
                    **message,
                    "headers": [*self.headers, (CACHE_STATUS_HEADER, b"MISS")],
                }
        elif kind == "http.response.body" and self._keep:
            self._keep_body(bytes(message.get("body", b"")), message.get("more_body", False))
        else:
            self._keep = False
        await self._send(message)

    def _keep_body(self, chunk: bytes, more: bool) -> None:
        if self.complete:  # a body after the last one: not a response to store
            self._keep, self.body, self.complete = False, None, False
            return
        if not more and not self.streamed:
            self.body, self.complete = chunk, True
            return
        self.streamed = True
        self._length += len(chunk)
        if self._length > self._max_streamed:
            self._keep, self._chunks = False, []  # too long to store: passed through only
            return
        self._chunks.append(chunk)
        if not more:
            self.body, self.complete, self._chunks = b"".join(self._chunks), True, []


def install_response_cache(app: Any, settings: Settings) -> ResponseCache:
    """Add the cache as the innermost middleware; call before any other ``add_middleware``.

    The cache is also ``app.state.response_cache`` (its entries and bytes), and its
    probe ``app.state.generation_probe`` (None when the cache is off).
    """
    cache = ResponseCache(
        settings.cache_max_entries,
        settings.cache_max_bytes,
        settings.cache_max_entry_bytes,
        settings.cache_max_download_bytes,
    )
    app.state.response_cache = cache
    app.state.generation_probe = None
    if cache.enabled:
        probe = generation_probe(settings)
        app.state.generation_probe = probe
        app.add_middleware(ResponseCacheMiddleware, cache=cache, probe=probe)
    return cache
