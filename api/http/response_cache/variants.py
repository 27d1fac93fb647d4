"""The gzip variant of a stored answer, made once and kept with the entry.

Without it the HTTP layer outside the cache would gzip the same stored body on every
hit (about 10 ms for a full CSV download). The variant is exactly what that layer
would send: the same deterministic gzip bytes (``api.http.compression``), the gzip
ETag, ``Content-Encoding``, ``Content-Length`` and ``Vary: Accept-Encoding``. Since it
already carries ``Content-Encoding``, the outer layer leaves it as it is (and still
answers ``If-None-Match`` with a 304 against its ETag).
"""

from __future__ import annotations

from api.http import compression

Headers = list[tuple[bytes, bytes]]
_RECODED = frozenset({b"content-length", b"content-encoding", b"etag", b"vary"})


def wants_gzip(request_headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether the request's ``Accept-Encoding`` allows gzip."""
    for name, value in request_headers:
        if name == b"accept-encoding":
            return compression.accepts_gzip(value.decode("latin-1"))
    return False


def gzip_eligible(headers: tuple[tuple[bytes, bytes], ...], body: bytes) -> bool:
    """Whether the HTTP layer would gzip this answer (textual, large enough, not encoded)."""
    if len(body) < compression.MIN_SIZE:
        return False
    content_type = b""
    for name, value in headers:
        if name == b"content-encoding":
            return False
        if name == b"content-type":
            content_type = value
    return compression.compressible(content_type.decode("latin-1"))


def gzip_variant(headers: tuple[tuple[bytes, bytes], ...], body: bytes) -> tuple[Headers, bytes]:
    """The gzip-encoded answer: its headers and body."""
    encoded = compression.gzip_body(body)
    out: Headers = [(name, value) for name, value in headers if name not in _RECODED]
    etag = next((v for n, v in headers if n == b"etag"), None)
    if etag is not None:
        out.append((b"etag", compression.gzip_etag(etag.decode("latin-1")).encode("latin-1")))
    varies = [
        part.strip()
        for name, value in headers
        if name == b"vary"
        for part in value.decode("latin-1").split(",")
        if part.strip()
    ]
    if "accept-encoding" not in {v.lower() for v in varies}:
        varies.append("Accept-Encoding")
    out += [
        (b"vary", ", ".join(varies).encode("latin-1")),
        (b"content-encoding", b"gzip"),
        (b"content-length", str(len(encoded)).encode()),
    ]
    return out, encoded
