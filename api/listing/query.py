"""One paginated list query: total count, an offset or keyset page, the next cursor.

Every collection (models, milestones, timeline) goes through ``fetch_page`` so that
they share one envelope, one cursor format and one ordering rule.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from cachetools import LRUCache
from sqlalchemy import ColumnElement, FromClause, Select, func, select
from sqlmodel import Session, col

from api.listing.pages import (
    SortKey,
    after,
    canonical_sort,
    decode_cursor,
    encode_cursor,
    order_by,
    row_key,
)
from api.provenance import Provenance
from api.tables import DataRelease


@dataclass(frozen=True)
class PageRequest:
    """Which page: a limit and either an offset or a cursor."""

    limit: int
    offset: int = 0
    cursor: str | None = None


@dataclass(frozen=True)
class ListQuery:
    """A filtered, sorted query over ``source``; ``tiebreaker`` is unique and labelled 'id'."""

    source: FromClause | type[Any]
    columns: Sequence[ColumnElement[Any]]
    where: Sequence[ColumnElement[bool]]
    sort: Sequence[SortKey]
    tiebreaker: ColumnElement[Any]
    filters_key: str


@dataclass(frozen=True)
class PageResult:
    """Rows of one page (as dicts) and where they sit in the whole result."""

    rows: list[dict[str, Any]]
    total: int
    position: int
    next_cursor: str | None


def filters_key(canonical: str) -> str:
    """A short hash of canonical filters, bound into cursors."""
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


# Memory of one remembered total beyond its key's characters: the key tuple, its
# strings' headers, the int and the cache's slots (about 500 bytes, measured with
# tracemalloc for keys of fresh strings, as ``count`` makes them).
COUNT_ENTRY_OVERHEAD_BYTES = 600


def _count_weight(key: tuple[str, ...]) -> int:
    return sum(len(part) for part in key) + COUNT_ENTRY_OVERHEAD_BYTES


class CountCache:
    """Totals of list queries by (database, table, filters, data version): bounded LRU.

    Counting every match is the one part of a page whose cost grows with the table
    (a full scan for a filter on a linked table), and it only changes with the data.
    Each total is stored under the data version read by the same statement as the
    count, so a total is never filed under a version it was not computed from.
    Bounded both in entries and in bytes (``bytes`` is the weight it holds; a key
    holds a hash of the filters, never the query itself). Endpoints run in worker
    threads, hence the lock (a ``cachetools`` cache is not thread-safe, and even a
    read reorders it). The bounds come from the settings: ``create_app`` calls
    ``resize``.
    """

    def __init__(self, max_entries: int, max_bytes: int = 1 << 21) -> None:
        self._lock = threading.Lock()
        self._entries = self._new(max_bytes)
        self.max_entries = max_entries
        self.max_bytes = max_bytes

    @staticmethod
    def _new(max_bytes: int) -> LRUCache[tuple[str, ...], tuple[int, int]]:
        # Each value carries its key's weight: ``getsizeof`` sees only the value.
        return LRUCache(max(max_bytes, 1), getsizeof=itemgetter(1))

    def get(self, key: tuple[str, ...]) -> int | None:
        """The total for ``key``, if known."""
        with self._lock:
            found = self._entries.get(key)
        return None if found is None else found[0]

    def put(self, key: tuple[str, ...], total: int) -> None:
        """Remember a total; the least recently used go when a bound is reached."""
        if self.max_entries <= 0 or self.max_bytes <= 0:
            return
        weight = _count_weight(key)
        if weight > self.max_bytes:
            return
        with self._lock:
            self._entries[key] = (total, weight)
            while len(self._entries) > self.max_entries:
                self._entries.popitem()

    def resize(self, max_entries: int, max_bytes: int | None = None) -> None:
        """Set the bounds (from the settings, at startup) and start empty; 0 turns
        caching off."""
        with self._lock:
            self.max_entries = max_entries
            if max_bytes is not None:
                self.max_bytes = max_bytes
            self._entries = self._new(self.max_bytes)

    def __len__(self) -> int:
        return len(self._entries)

    # Last in the class: the name would shadow the builtin in the annotations above.
    @property
    def bytes(self) -> int:
        """The weight of the remembered totals (keys and overhead)."""
        return int(self._entries.currsize)


COUNTS = CountCache(4096)


def count(session: Session, query: ListQuery, data_version: str | None = None) -> int:
    """Number of rows matching the query's filters (remembered per data version)."""
    table = getattr(query.source, "__tablename__", None)
    if table is None or data_version is None or COUNTS.max_entries <= 0 or COUNTS.max_bytes <= 0:
        statement = select(func.count()).select_from(query.source).where(*query.where)
        total: int = session.execute(statement).scalar_one()
        return total
    database = str(session.get_bind().engine.url)
    cached = COUNTS.get((database, table, query.filters_key, data_version))
    if cached is not None:
        return cached
    version = select(col(DataRelease.data_version)).scalar_subquery()
    counting: Select[Any] = (
        select(func.count(), version).select_from(query.source).where(*query.where)
    )
    row: Any = session.connection().execute(counting).one()
    total, counted_version = row
    if counted_version is not None:
        COUNTS.put((database, table, query.filters_key, counted_version), total)
    return int(total)


def fetch_page(
    session: Session, query: ListQuery, page: PageRequest, provenance: Provenance
) -> PageResult:
    """One page of ``query``, by offset or by cursor, with the total and the next cursor."""
    sort_text = canonical_sort(query.sort)
    position = page.offset
    ranges: tuple[ColumnElement[bool] | None, ...] = (None,)
    if page.cursor is not None:
        payload = decode_cursor(
            page.cursor,
            sort=sort_text,
            data_version=provenance.data_version,
            filters=query.filters_key,
        )
        position = payload.p
        ranges = after(query.sort, query.tiebreaker, payload.k)
    total = count(session, query, provenance.data_version)
    rows: list[dict[str, Any]] = []
    for rest in ranges:  # in order: each one's rows come after the previous one's
        statement = (
            select(*query.columns)
            .select_from(query.source)
            .where(*query.where, *([] if rest is None else [rest]))
            .order_by(*order_by(query.sort, query.tiebreaker))
            .limit(page.limit - len(rows))
        )
        if page.cursor is None and page.offset:
            statement = statement.offset(page.offset)
        # Core execution on the session's connection: plain rows, no ORM result processing.
        result = session.connection().execute(statement)
        names = tuple(result.keys())
        rows += [dict(zip(names, row, strict=True)) for row in result.all()]
        if len(rows) == page.limit:
            break
    next_cursor = None
    if rows and position + len(rows) < total:
        next_cursor = encode_cursor(
            {
                "v": provenance.data_version,
                "s": sort_text,
                "f": query.filters_key,
                "k": row_key(query.sort, rows[-1], rows[-1]["id"]),
                "p": position + len(rows),
            }
        )
    return PageResult(rows, total, position, next_cursor)


def envelope(
    items: list[dict[str, Any]], result: PageResult, page: PageRequest, provenance: Provenance
) -> dict[str, Any]:
    """The list envelope shared by every collection."""
    return {
        "items": items,
        "total": result.total,
        "limit": page.limit,
        "offset": result.position,
        "next_cursor": result.next_cursor,
        "meta": provenance.as_meta(),
    }
