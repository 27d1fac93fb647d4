"""HTTP caching and representation headers for every GET and HEAD response.

A pure ASGI middleware (no ``BaseHTTPMiddleware``: it adds no task or queue per
request) that gives every route the same behaviour:

* **ETag**: every 200 answer to GET/HEAD carries a strong ETag. A buffered body is
  hashed (BLAKE2b); when the route reports its data version in ``X-Data-Version``
  (``api.http.responses.JSONBody`` does so for every body with a ``meta.data_version``), the tag
  is ``"<data_version>-<hash>"``, so a tag names the data it came from (the body
  embeds the version too, so the hash alone would already change with the data; the
  prefix makes that visible and lets a CDN purge by version). A streamed body cannot
  be hashed before it is sent, so a streaming route sets its own ETag
  (``api.http.downloads`` derives it from the data version and the canonical request).
* **Conditional GET**: ``If-None-Match`` (one tag, a list, or ``*``; weak comparison
  as RFC 9110 requires) turns the answer into a ``304 Not Modified`` without a body,
  with the ETag, ``Cache-Control`` and ``Vary`` a 200 would have had.
* **Preconditions** (RFC 9110 13.1, evaluated in the order of 13.2.2, on 200 answers
  only): ``If-Match`` that names no current tag (strong comparison; ``*`` matches any
  representation) is a ``412`` problem; ``If-None-Match`` as above; ``If-Modified-Since``
  (ignored when ``If-None-Match`` is present, or not a valid HTTP-date) is a ``304`` when
  the data was not loaded after that date.
* **Last-Modified**: a response with ``X-Data-Version`` says when that data version was
  loaded (``data_release.loaded_at``, via ``api.provenance.loaded_at``).
* **Cache-Control**: a policy by path (see ``CachePolicy``); errors are ``no-store``.
  A route that sets its own ``Cache-Control`` keeps it.
* **HEAD**: every GET route answers HEAD: the request reaches the application as a
  GET and the body is dropped here, so headers (ETag, Content-Length, encoding) are
  exactly those of the GET.
* **gzip**: textual bodies of at least 1 KiB are gzip-encoded when ``Accept-Encoding``
  allows it, buffered or streamed; the gzip variant has its own strong ETag and the
  response says ``Vary: Accept-Encoding`` (see ``api.http.compression``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import format_datetime, parsedate_to_datetime

import orjson
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import provenance
from api.errors import PROBLEM_JSON, Problem
from api.http import compression
from api.http.responses import DATA_VERSION_HEADER

_FILE_SEND_EXTENSIONS = ("http.response.pathsend", "http.response.zerocopysend")
_ETAG_LIST = re.compile(r'\s*(?:W/)?("[^"]*")\s*(?:,|$)')
_ETAG_ITEM = re.compile(r'\s*(W/)?("[^"]*")\s*(?:,|$)')
# Headers a 304 keeps (RFC 9110 15.4.5): the validators and caching metadata.
NOT_MODIFIED_HEADERS = frozenset(
    {
        "etag",
        "cache-control",
        "vary",
        "content-location",
        "expires",
        "date",
        DATA_VERSION_HEADER.lower(),
    }
)


@dataclass(frozen=True)
class CachePolicy:
    """``Cache-Control`` for successful responses, by path prefix (first match wins)."""

    default: str = "public, max-age=60, stale-while-revalidate=600"
    rules: Sequence[tuple[str, str]] = field(default_factory=tuple)
    error: str = "no-store"

    def for_path(self, path: str) -> str:
        """The ``Cache-Control`` value for a successful response at ``path``."""
        for prefix, value in self.rules:
            if path == prefix or (prefix.endswith("/") and path.startswith(prefix)):
                return value
        return self.default


def body_etag(body: bytes, data_version: str | None = None) -> str:
    """A strong ETag of a body, prefixed with its data version when it has one."""
    digest = hashlib.blake2b(body, digest_size=12).hexdigest()
    return f'"{data_version}-{digest}"' if data_version else f'"{digest}"'


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison of ``etag`` against an ``If-None-Match`` value (list or ``*``)."""
    if if_none_match.strip() == "*":
        return True
    opaque = etag[2:] if etag.startswith("W/") else etag
    return any(match == opaque for match in _ETAG_LIST.findall(if_none_match))


def etag_matches_strongly(if_match: str, etag: str) -> bool:
    """Strong comparison of ``etag`` against an ``If-Match`` value (list or ``*``): a
    weak tag on either side never matches (RFC 9110 8.8.3.2)."""
    if if_match.strip() == "*":
        return True
    if etag.startswith("W/"):
        return False
    return any(not weak and tag == etag for weak, tag in _ETAG_ITEM.findall(if_match))


def http_date(moment: dt.datetime) -> str:
    """``moment`` as an HTTP-date (IMF-fixdate, RFC 9110 5.6.7), to the second."""
    return format_datetime(moment.astimezone(dt.UTC), usegmt=True)


def parse_http_date(value: str) -> dt.datetime | None:
    """An HTTP-date as an aware datetime; None when it is not one (then it is ignored)."""
    if value.count(",") > 1:
        return None  # a list of dates: more than one member (RFC 9110 13.1.3)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


class HttpCacheMiddleware:
    """ETag, 304, Cache-Control, HEAD and gzip for every response (see module docs)."""

    def __init__(
        self,
        app: ASGIApp,
        policy: CachePolicy | None = None,
        minimum_size: int = compression.MIN_SIZE,
    ) -> None:
        self.app = app
        self.policy = policy or CachePolicy()
        self.minimum_size = minimum_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method not in ("GET", "HEAD"):
            await self.app(scope, receive, _ErrorsNoStore(send, self.policy).send)
            return
        head = method == "HEAD"
        inner_scope = scope
        extensions = scope.get("extensions") or {}
        if head or any(name in extensions for name in _FILE_SEND_EXTENSIONS):
            # Bodies must pass through here as bytes: no file-send shortcuts.
            inner_scope = {
                **scope,
                "method": "GET",
                "extensions": {
                    k: v for k, v in extensions.items() if k not in _FILE_SEND_EXTENSIONS
                },
            }
        responder = _Responder(send, scope, head, self.policy, self.minimum_size)
        await self.app(inner_scope, receive, responder.send)


class _ErrorsNoStore:
    """For methods other than GET/HEAD: errors are never stored."""

    def __init__(self, send: Send, policy: CachePolicy) -> None:
        self._send = send
        self._policy = policy

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] >= 400:
            headers = MutableHeaders(scope=message)
            headers.setdefault("cache-control", self._policy.error)
            allow = headers.get("allow")
            if allow is not None and "GET" in allow and "HEAD" not in allow:
                headers["allow"] = f"{allow}, HEAD"  # HEAD is answered here for every GET
        await self._send(message)


class _Responder:
    """Holds the response start until the first body chunk shows what it is."""

    def __init__(
        self, send: Send, scope: Scope, head: bool, policy: CachePolicy, minimum_size: int
    ) -> None:
        self._send = send
        self._head = head
        self._policy = policy
        self._minimum_size = minimum_size
        self._path: str = scope["path"]
        request = Headers(scope=scope)
        self._if_none_match = request.get("if-none-match")
        self._if_match = request.get("if-match")
        self._if_modified_since = request.get("if-modified-since")
        self._gzip_ok = compression.accepts_gzip(request.get("accept-encoding", ""))
        self._start: Message | None = None
        self._streaming = False
        self._done = False
        self._gzip: compression.GzipStream | None = None

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self._start = message
            return
        if kind != "http.response.body" or self._start is None:
            await self._send(message)
            return
        if self._done:  # a 304 or HEAD whose body is being dropped
            return
        if self._streaming:
            await self._stream_chunk(message)
            return
        body: bytes = message.get("body", b"")
        if message.get("more_body", False):
            self._streaming = True
            await self._begin_stream(body)
        else:
            await self._send_buffered(body)

    # -- buffered bodies: hashed, compared, compressed ---------------------------

    async def _send_buffered(self, body: bytes) -> None:
        assert self._start is not None
        status: int = self._start["status"]
        headers = MutableHeaders(scope=self._start)
        if status != 200:
            if status >= 400:
                headers.setdefault("cache-control", self._policy.error)
            await self._finish(body)
            return
        headers.setdefault("cache-control", self._policy.for_path(self._path))
        etag = headers.get("etag") or body_etag(body, headers.get(DATA_VERSION_HEADER))
        encode = self._should_gzip(headers, len(body))
        if self._varies(headers, len(body)):
            _add_vary(headers, "Accept-Encoding")
        if await self._answered_conditionally(headers, etag, encode):
            return
        if encode:
            body = compression.gzip_body(body)
            headers["content-encoding"] = "gzip"
            headers["content-length"] = str(len(body))
        await self._finish(body)

    async def _finish(self, body: bytes) -> None:
        assert self._start is not None
        await self._send(self._start)
        await self._send({"type": "http.response.body", "body": b"" if self._head else body})
        self._done = True

    # -- streamed bodies: the route's ETag, incremental gzip ---------------------

    async def _begin_stream(self, first_chunk: bytes) -> None:
        assert self._start is not None
        status: int = self._start["status"]
        headers = MutableHeaders(scope=self._start)
        if status >= 400:
            headers.setdefault("cache-control", self._policy.error)
        if status == 200:
            headers.setdefault("cache-control", self._policy.for_path(self._path))
            etag = headers.get("etag")
            compressible = self._compressible(headers)
            if compressible:
                _add_vary(headers, "Accept-Encoding")
            encode = compressible and self._gzip_ok
            if etag is not None and await self._answered_conditionally(headers, etag, encode):
                return
            if encode:
                del headers["content-length"]
                headers["content-encoding"] = "gzip"
                self._gzip = compression.GzipStream()
        await self._send(self._start)
        await self._stream_chunk(
            {"type": "http.response.body", "body": first_chunk, "more_body": True}
        )

    async def _stream_chunk(self, message: Message) -> None:
        more = message.get("more_body", False)
        if self._head:
            if not more:
                await self._send({"type": "http.response.body", "body": b""})
            return
        body: bytes = message.get("body", b"")
        if self._gzip is not None:
            body = self._gzip.feed(body)
            if not more:
                body += self._gzip.finish()
        if body or not more:
            await self._send({"type": "http.response.body", "body": body, "more_body": more})

    # -- shared ------------------------------------------------------------------

    async def _answered_conditionally(
        self, headers: MutableHeaders, etag: str, encode: bool
    ) -> bool:
        """Set the validators of the representation sent (the gzip variant's ETag when
        encoding); when a precondition decides the answer (412, 304), send it and say so."""
        if encode:
            etag = compression.gzip_etag(etag)
        headers["etag"] = etag
        last_modified = self._set_last_modified(headers)
        if self._if_match is not None and not etag_matches_strongly(self._if_match, etag):
            await self._send_precondition_failed()
            return True
        if self._not_modified(etag, last_modified):
            await self._send_not_modified(headers)
            return True
        return False

    def _set_last_modified(self, headers: MutableHeaders) -> dt.datetime | None:
        """``Last-Modified``: when the response's data version was loaded, if it has one."""
        version = headers.get(DATA_VERSION_HEADER)
        loaded = provenance.loaded_at(version) if version else None
        if loaded is None:
            return None
        loaded = loaded.replace(microsecond=0)  # an HTTP-date has whole seconds
        headers.setdefault("last-modified", http_date(loaded))
        return loaded

    def _compressible(self, headers: MutableHeaders) -> bool:
        return "content-encoding" not in headers and compression.compressible(
            headers.get("content-type", "")
        )

    def _varies(self, headers: MutableHeaders, size: int) -> bool:
        return size >= self._minimum_size and self._compressible(headers)

    def _should_gzip(self, headers: MutableHeaders, size: int) -> bool:
        return self._gzip_ok and self._varies(headers, size)

    def _not_modified(self, etag: str, last_modified: dt.datetime | None) -> bool:
        if self._if_none_match is not None:  # If-Modified-Since is then ignored (13.2.2)
            return etag_matches(self._if_none_match, etag)
        if self._if_modified_since is None or last_modified is None:
            return False
        since = parse_http_date(self._if_modified_since)
        return since is not None and last_modified <= since

    async def _send_precondition_failed(self) -> None:
        problem = Problem(
            title="Precondition Failed",
            status=412,
            detail="If-Match names no current representation of this resource.",
            instance=self._path,
        )
        body = orjson.dumps(problem.model_dump(exclude_none=True))
        headers = [
            (b"content-type", PROBLEM_JSON.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", self._policy.error.encode()),
        ]
        await self._send({"type": "http.response.start", "status": 412, "headers": headers})
        await self._send({"type": "http.response.body", "body": b"" if self._head else body})
        self._done = True

    async def _send_not_modified(self, headers: MutableHeaders) -> None:
        assert self._start is not None
        kept = [
            (name, value)
            for name, value in headers.raw
            if name.decode("latin-1") in NOT_MODIFIED_HEADERS
        ]
        await self._send({"type": "http.response.start", "status": 304, "headers": kept})
        await self._send({"type": "http.response.body", "body": b""})
        self._done = True


def _add_vary(headers: MutableHeaders, name: str) -> None:
    current = [v.strip().lower() for v in headers.get("vary", "").split(",") if v.strip()]
    if name.lower() not in current and "*" not in current:
        headers.add_vary_header(name)
