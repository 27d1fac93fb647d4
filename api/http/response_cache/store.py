"""The response cache's store: one data generation at a time, bounded in entries and bytes.

An entry may also hold the gzip variant of its body (computed once, on the first hit
that accepts gzip); it counts towards the entry's size and the same bounds.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from cachetools import LRUCache

from api.http.response_cache.wire import header_lines

# Bookkeeping per entry beyond its bytes (key tuple, entry object, dict slot).
ENTRY_OVERHEAD_BYTES = 400
# Per prepared answer beyond its bytes: its object, the headers tuple and dict slot; and
# per header the pair's tuple and two bytes objects' headers (CPython: 56 + 2 * 33).
PREPARED_OVERHEAD_BYTES = 300
PREPARED_HEADER_OVERHEAD_BYTES = 130


@dataclass(frozen=True, slots=True)
class Prepared:
    """An answer exactly as the whole middleware chain sent it for an entry (see
    ``api.http.response_cache.fast``): status, final headers, body, its ETag; and the
    headers as HTTP/1.1 lines (``wire.header_lines``), for a server that writes the
    answer in one piece."""

    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    etag: str
    lines: bytes | None = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", header_lines(self.status, self.headers))


# A prepared answer by (gzip variant?, status).
PreparedKey = tuple[bool, int]


@dataclass(frozen=True, slots=True)
class CachedResponse:
    """A stored answer: status, headers as the application sent them, body."""

    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    size: int
    # A download (arrived streamed): bounded by ``max_download_bytes``.
    large: bool = False
    # The gzip variant: its headers (``Content-Encoding``, its own ETag) and body.
    gzip: tuple[tuple[tuple[bytes, bytes], ...], bytes] | None = None
    # The final answers of the whole chain, by class of request (``fast``).
    prepared: dict[PreparedKey, Prepared] = field(default_factory=dict)


def _size(entry: CachedResponse) -> int:
    return entry.size


def _prepared_weight(entry: CachedResponse, answer: Prepared) -> int:
    shared = answer.body is entry.body or (entry.gzip is not None and answer.body is entry.gzip[1])
    headers = sum(len(k) + len(v) + PREPARED_HEADER_OVERHEAD_BYTES for k, v in answer.headers)
    lines = len(answer.lines) if answer.lines is not None else 0
    body = 0 if shared else len(answer.body)
    return headers + lines + len(answer.etag) + body + PREPARED_OVERHEAD_BYTES


def _weight(headers: list[tuple[bytes, bytes]], body: bytes) -> int:
    return len(body) + sum(len(k) + len(v) for k, v in headers)


class ResponseCache:
    """A bounded LRU of responses for one data generation at a time.

    A ``cachetools.LRUCache`` bounded in bytes (each entry weighs its ``size``), with
    the entry bound applied after each store. Used only from the event loop's
    thread, so it needs no lock.
    """

    def __init__(
        self, max_entries: int, max_bytes: int, max_entry_bytes: int, max_download_bytes: int = 0
    ) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_entry_bytes = min(max_entry_bytes, max_bytes)
        # Downloads (CSV, NDJSON) may be larger than other answers, within the total.
        self.max_download_bytes = min(max(max_download_bytes, self.max_entry_bytes), max_bytes)
        self.generation: str | None = None
        self._entries: LRUCache[str, CachedResponse] = LRUCache(max(max_bytes, 1), getsizeof=_size)

    @property
    def enabled(self) -> bool:
        """Whether anything can be stored at all."""
        return self.max_entries > 0 and self.max_entry_bytes > 0

    def __len__(self) -> int:
        return len(self._entries)

    def observe(self, generation: str) -> None:
        """Make ``generation`` current; entries of any other generation are dropped."""
        if generation != self.generation:
            self.clear()
            self.generation = generation

    def clear(self) -> None:
        """Drop every entry."""
        self._entries.clear()

    def get(self, generation: str, key: str) -> CachedResponse | None:
        """The entry for ``key`` in ``generation``, marked most recently used."""
        if generation != self.generation:
            return None
        return self._entries.get(key)

    def put(
        self,
        generation: str,
        key: str,
        status: int,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
        *,
        large: bool = False,
    ) -> bool:
        """Store a response of ``generation``; False when it is too large or outdated.

        ``large``: a download, bounded by ``max_download_bytes`` instead of
        ``max_entry_bytes``.
        """
        if generation != self.generation:
            return False
        size = len(key) + _weight(headers, body) + ENTRY_OVERHEAD_BYTES
        if size > self._limit(large):
            return False
        self._entries[key] = CachedResponse(status, tuple(headers), body, size, large)
        while len(self._entries) > self.max_entries:
            self._entries.popitem()
        return True

    def put_gzip(
        self,
        generation: str,
        key: str,
        entry: CachedResponse,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
    ) -> bool:
        """Add the gzip variant to a stored ``entry``; False when the entry is gone or
        would grow beyond its bound."""
        if generation != self.generation or self._entries.get(key) is not entry:
            return False
        size = entry.size + _weight(headers, body)
        if size > self._limit(entry.large):
            return False
        self._entries[key] = replace(entry, size=size, gzip=(tuple(headers), body))
        return True

    def put_prepared(
        self, generation: str, key: str, entry: CachedResponse, gzip: bool, answer: Prepared
    ) -> bool:
        """Keep the final ``answer`` of ``entry`` for its class of request; False when
        the entry is gone or would grow beyond its bound. A body that is the entry's own
        (or its gzip variant's) object is not counted twice."""
        if generation != self.generation or self._entries.get(key) is not entry:
            return False
        slot = (gzip, answer.status)
        old = entry.prepared.get(slot)
        size = (
            entry.size
            + _prepared_weight(entry, answer)
            - (_prepared_weight(entry, old) if old is not None else 0)
        )
        if size > self._limit(entry.large):
            return False
        self._entries[key] = replace(entry, size=size, prepared={**entry.prepared, slot: answer})
        return True

    def _limit(self, large: bool) -> int:
        return self.max_download_bytes if large else self.max_entry_bytes

    # Last in the class: the name would shadow the builtin in the annotations above.
    @property
    def bytes(self) -> int:
        """The stored entries' sizes (bodies, headers, keys and overhead)."""
        return int(self._entries.currsize)
