"""The response cache's store: one data generation at a time, bounded in entries and bytes."""

from __future__ import annotations

from dataclasses import dataclass

from cachetools import LRUCache

# Bookkeeping per entry beyond its bytes (key tuple, entry object, dict slot).
ENTRY_OVERHEAD_BYTES = 400


@dataclass(frozen=True, slots=True)
class CachedResponse:
    """A stored answer: status, headers as the application sent them, body."""

    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    size: int


def _size(entry: CachedResponse) -> int:
    return entry.size


class ResponseCache:
    """A bounded LRU of responses for one data generation at a time.

    A ``cachetools.LRUCache`` bounded in bytes (each entry weighs its ``size``), with
    the entry bound applied after each store. Used only from the event loop's
    thread, so it needs no lock.
    """

    def __init__(self, max_entries: int, max_bytes: int, max_entry_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_entry_bytes = min(max_entry_bytes, max_bytes)
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
    ) -> bool:
        """Store a response of ``generation``; False when it is too large or outdated."""
        if generation != self.generation:
            return False
        size = (
            len(body) + len(key) + sum(len(k) + len(v) for k, v in headers) + ENTRY_OVERHEAD_BYTES
        )
        if size > self.max_entry_bytes:
            return False
        self._entries[key] = CachedResponse(status, tuple(headers), body, size)
        while len(self._entries) > self.max_entries:
            self._entries.popitem()
        return True

    # Last in the class: the name would shadow the builtin in the annotations above.
    @property
    def bytes(self) -> int:
        """The stored entries' sizes (bodies, headers, keys and overhead)."""
        return int(self._entries.currsize)
