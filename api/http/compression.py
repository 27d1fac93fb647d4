"""gzip content coding for the HTTP cache middleware.

Compression is deterministic (no timestamp in the gzip header), so the same body
always compresses to the same bytes, and the gzip variant of a representation gets
its own strong ETag (the identity tag with ``-gzip`` appended, as Apache does).
Only textual media types are compressed, and only from ``MIN_SIZE`` bytes on:
below that the gzip framing costs more than it saves.
"""

from __future__ import annotations

import gzip
import re
import zlib

MIN_SIZE = 1024
LEVEL = 6
GZIP_SUFFIX = "-gzip"

_COMPRESSIBLE = re.compile(
    r"^(text/|application/(json|problem\+json|x-ndjson|javascript|xml|vnd\.[a-z0-9.-]+\+json)|image/svg\+xml)"
)
_CODING = re.compile(r"^\s*([A-Za-z0-9*._+-]+)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an ``Accept-Encoding`` value allows gzip (``q=0`` refuses it)."""
    explicit: float | None = None
    wildcard: float | None = None
    for part in accept_encoding.split(","):
        match = _CODING.match(part)
        if not match:
            continue
        try:
            quality = float(match.group(2)) if match.group(2) is not None else 1.0
        except ValueError:
            continue
        coding = match.group(1).lower()
        if coding in ("gzip", "x-gzip"):
            explicit = quality
        elif coding == "*":
            wildcard = quality
    if explicit is not None:
        return explicit > 0
    return wildcard is not None and wildcard > 0


def compressible(content_type: str) -> bool:
    """Whether a media type is worth compressing (text, JSON, CSV, NDJSON, JS, CSS)."""
    return bool(_COMPRESSIBLE.match(content_type.lower()))


def gzip_body(body: bytes) -> bytes:
    """The gzip encoding of ``body``, byte-for-byte the same on every call."""
    return gzip.compress(body, compresslevel=LEVEL, mtime=0)


def gzip_etag(etag: str) -> str:
    """The ETag of the gzip variant: ``"abc"`` becomes ``"abc-gzip"`` (``W/`` is kept)."""
    if etag.endswith('"'):
        return etag[:-1] + GZIP_SUFFIX + '"'
    return etag


class GzipStream:
    """Incremental gzip for streamed bodies (CSV, NDJSON, static files)."""

    def __init__(self) -> None:
        # wbits=31: gzip framing; zlib writes a zero timestamp, so output is deterministic.
        self._compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, 31)

    def feed(self, chunk: bytes) -> bytes:
        """Compressed bytes for ``chunk`` (may be empty while zlib buffers)."""
        return self._compressor.compress(chunk) if chunk else b""

    def finish(self) -> bytes:
        """The remaining compressed bytes and the gzip trailer."""
        return self._compressor.flush(zlib.Z_FINISH)
