"""Response cache: whole ``/v1`` responses, keyed by the request and the data generation.

A pure ASGI middleware, added innermost (inside ETag, gzip and CORS), so a hit
costs a dictionary lookup and two ``send`` calls: no routing, no dependencies, no
thread hop, no SQL beyond one tiny query.

**Never stale.** Every request first reads the data *generation*, ``data_version``
and ``loaded_at`` of the one ``data_release`` row, with one small query (see
``GenerationProbe``). Entries are keyed by that generation, so a hit is a response
computed from exactly the data the database holds at the moment of the check. The
loader rewrites ``data_release`` in the same transaction as the data it describes and
only when the data changes (``seed.loader``), and ``loaded_at`` differs at every such
load, so even a load that returns to an earlier data version starts a new generation.
A response is stored only when the generation read after the application answered
equals the one read before: no load committed while it was computed, so it holds
the data of that generation alone. When the generation cannot be read (the database
is unreachable, locked by a writer, not seeded), the request bypasses the cache
entirely and the application answers (usually 503): nothing cached is served
without a check.

**What is stored**: answers to GET under ``/v1/`` with status 200, sent as one body
(a streamed body, such as a CSV download, arrives in several messages and is
passed through), without ``Set-Cookie``, ``Cache-Control: no-store`` or ``private``,
and at most ``cache_max_entry_bytes`` long. HEAD is answered from a GET's entry
(headers only) when the HTTP layer has not already turned it into a GET.

**Key**: scheme, ``Host`` and path (responses carry absolute URLs in ``Link``),
query parameters (decoded like the application decodes them, sorted by name with the
order of repeated values kept, since that order can matter), and the ``Accept``
header (the representation may depend on it). ``Accept-Encoding``
and ``Origin`` are handled by the middleware outside this one, from the stored body.

**ETag**: a stored response gets the ETag that ``api.http.conditional`` would
compute from its body (the same function), so hits are not hashed again.

**Memory**: at most ``cache_max_entries`` entries and ``cache_max_bytes`` bytes
(bodies, headers and keys, plus a fixed overhead per entry), least recently used
evicted first; entries of an older generation are dropped as soon as a newer one is
seen. ``cache_max_entries=0`` turns the cache off.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode

import anyio.to_thread
from sqlalchemy import Engine, create_engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.config import Settings
from api.db.engine import is_sqlite, postgres_connect_args, sqlite_path
from api.http.conditional import DATA_VERSION_HEADER, body_etag

CACHED_PATH_PREFIX = "/v1/"
GENERATION_SQL = "SELECT data_version, loaded_at FROM data_release"
CACHE_STATUS_HEADER = b"x-cache"
# Bookkeeping per entry beyond its bytes (key tuple, entry object, dict slot).
ENTRY_OVERHEAD_BYTES = 400
# Response ``Vary`` values this cache handles: Accept is in the key, the others are
# applied by the middleware outside this one.
_VARY_HANDLED = frozenset({"accept", "accept-encoding", "origin"})


@dataclass(frozen=True, slots=True)
class CachedResponse:
    """A stored answer: status, headers as the application sent them, body."""

    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    size: int


@dataclass
class CacheStats:
    """Counters since the process started (per worker)."""

    hits: int = 0
    misses: int = 0
    stores: int = 0
    evictions: int = 0
    bypasses: int = 0
    invalidations: int = 0


class ResponseCache:
    """A bounded LRU of responses for one data generation at a time.

    Used only from the event loop's thread, so it needs no lock.
    """

    def __init__(self, max_entries: int, max_bytes: int, max_entry_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_entry_bytes = min(max_entry_bytes, max_bytes)
        self.generation: str | None = None
        self.bytes = 0
        self.stats = CacheStats()
        self._entries: OrderedDict[str, CachedResponse] = OrderedDict()

    @property
    def enabled(self) -> bool:
        """Whether anything can be stored at all."""
        return self.max_entries > 0 and self.max_entry_bytes > 0

    def __len__(self) -> int:
        return len(self._entries)

    def observe(self, generation: str) -> None:
        """Make ``generation`` current; entries of any other generation are dropped."""
        if generation != self.generation:
            if self._entries:
                self.stats.invalidations += 1
            self.clear()
            self.generation = generation

    def clear(self) -> None:
        """Drop every entry."""
        self._entries.clear()
        self.bytes = 0

    def get(self, generation: str, key: str) -> CachedResponse | None:
        """The entry for ``key`` in ``generation``, marked most recently used."""
        if generation != self.generation:
            return None
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(
        self,
        generation: str,
        key: str,
        status: int,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
    ) -> bool:
        """Store a response of ``generation``; False when it is too large or outdated."""
        if generation != self.generation:
            return False
        size = (
            len(body) + len(key) + sum(len(k) + len(v) for k, v in headers) + ENTRY_OVERHEAD_BYTES
        )
        if size > self.max_entry_bytes:
            return False
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= old.size
        self._entries[key] = CachedResponse(status, tuple(headers), body, size)
        self.bytes += size
        self.stats.stores += 1
        while len(self._entries) > self.max_entries or self.bytes > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self.bytes -= evicted.size
            self.stats.evictions += 1
        return True


class GenerationProbe(Protocol):
    """Reads the current data generation; None when it cannot be known right now."""

    async def read(self) -> str | None:
        """The generation token, or None (then the cache is bypassed)."""
        ...

    def close(self) -> None:
        """Release connections (at shutdown)."""
        ...


def _token(row: Any) -> str | None:
    if row is None:
        return None
    version, loaded_at = row
    return f"{version}@{loaded_at}"


class SQLiteGenerationProbe:
    """One read-only connection of its own, queried on the event loop's thread.

    The query reads one row of a one-row table: a few microseconds, less than
    handing it to a worker thread would cost. The connection never waits for a lock
    (busy timeout 0): while a loader commits, the read fails at once and the
    request bypasses the cache instead of blocking the event loop.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._connection: sqlite3.Connection | None = None

    async def read(self) -> str | None:
        """The generation, read inline."""
        try:
            if self._connection is None:
                self._connection = sqlite3.connect(
                    f"file:{self._path}?mode=ro",
                    uri=True,
                    timeout=0,
                    isolation_level=None,
                    check_same_thread=False,
                )
            return _token(self._connection.execute(GENERATION_SQL).fetchone())
        except sqlite3.Error:
            self.close()
            return None

    def close(self) -> None:
        """Close the connection; the next read opens a new one."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class EngineGenerationProbe:
    """For client/server databases: the query runs in a worker thread on a small pool.

    A network round trip must not block the event loop. Failed connections are
    discarded by the pool, so the probe recovers by itself when the database returns.
    """

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._engine: Engine | None = None

    def _engine_or_new(self) -> Engine:
        if self._engine is None:
            settings = self._settings
            # The server's connection settings and timeouts, without a pre-ping: a
            # dead connection fails the probe itself (within the TCP user timeout),
            # the pool discards it, and this request bypasses the cache.
            self._engine = create_engine(
                settings.database_url,
                connect_args=postgres_connect_args(
                    read_only=True,
                    connect_timeout=settings.db_connect_timeout_seconds,
                    statement_timeout_ms=settings.db_statement_timeout_ms,
                ),
                pool_size=2,
                max_overflow=8,
                pool_timeout=settings.db_connect_timeout_seconds,
            )
        return self._engine

    def _read_sync(self) -> str | None:
        try:
            with self._engine_or_new().connect() as connection:
                row = connection.exec_driver_sql(GENERATION_SQL).first()
                return _token(None if row is None else tuple(row))
        except Exception:  # unreachable, not migrated, timed out: bypass the cache
            return None

    async def read(self) -> str | None:
        """The generation, read in a worker thread."""
        return await anyio.to_thread.run_sync(self._read_sync)

    def close(self) -> None:
        """Dispose of the pool."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


class NoGenerationProbe:
    """For databases another process cannot open (in-memory SQLite): never cache."""

    async def read(self) -> str | None:
        """Always unknown."""
        return None

    def close(self) -> None:
        """Nothing to release."""


def generation_probe(settings: Settings) -> GenerationProbe:
    """The cheapest correct probe for the configured database."""
    if is_sqlite(settings.database_url):
        path = sqlite_path(settings.database_url)
        return SQLiteGenerationProbe(path) if path is not None else NoGenerationProbe()
    return EngineGenerationProbe(settings)


@lru_cache(maxsize=4096)
def canonical_query(raw: bytes) -> str:
    """Query parameters decoded as Starlette decodes them, sorted by name (stable)."""
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    pairs.sort(key=itemgetter(0))
    return urlencode(pairs)


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
    version = next((v for n, v in headers if n == DATA_VERSION_HEADER.encode()), None)
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
        generation = await self.probe.read()
        if generation is None:
            cache.stats.bypasses += 1
            await self.app(scope, receive, send)
            return
        cache.observe(generation)
        key = request_key(scope)
        entry = cache.get(generation, key)
        if entry is not None:
            cache.stats.hits += 1
            await send(
                {
                    "type": "http.response.start",
                    "status": entry.status,
                    # A new list each time: outer middleware edits headers in place.
                    "headers": [*entry.headers, (CACHE_STATUS_HEADER, b"HIT")],
                }
            )
            body = b"" if scope["method"] == "HEAD" else entry.body
            await send({"type": "http.response.body", "body": body})
            return
        cache.stats.misses += 1
        if scope["method"] == "HEAD":
            await self.app(scope, receive, send)
            return
        recorder = _Recorder(send)
        await self.app(scope, receive, recorder.send)
        stored = recorder.complete and recorder.start is not None and recorder.body is not None
        if stored and await self.probe.read() == generation:
            assert recorder.body is not None
            headers = _with_etag(recorder.headers, recorder.body)
            cache.put(generation, key, 200, headers, recorder.body)


class _Recorder:
    """Forwards the response unchanged (plus ``x-cache: MISS``) and keeps a copy."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.start: Message | None = None
        self.headers: list[tuple[bytes, bytes]] = []
        self.body: bytes | None = None
        self.complete = False
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
            if message.get("more_body", False) or self.body is not None:
                self._keep = False  # streamed: passed through, never stored
                self.body = None
            else:
                self.body = bytes(message.get("body", b""))
                self.complete = True
        else:
            self._keep = False
        await self._send(message)


def install_response_cache(app: Any, settings: Settings) -> ResponseCache:
    """Add the cache as the innermost middleware; call before any other ``add_middleware``.

    The cache is also ``app.state.response_cache`` (its size and counters).
    """
    cache = ResponseCache(
        settings.cache_max_entries, settings.cache_max_bytes, settings.cache_max_entry_bytes
    )
    app.state.response_cache = cache
    if cache.enabled:
        app.add_middleware(ResponseCacheMiddleware, cache=cache, probe=generation_probe(settings))
    return cache
