"""Shared by the seed sources when writing: links between sources, bulk inserts, checksums."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, insert


@dataclass
class WriteContext:
    """What earlier sources wrote that later ones link to (e.g. model ids by slug)."""

    model_ids_by_slug: dict[str, int] = field(default_factory=dict)


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# Rows per executemany: large enough to amortize the call, small enough to bound memory.
BULK_CHUNK_ROWS = 20_000


def bulk_insert(
    connection: Connection, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert ``rows`` (tuples in ``columns`` order) in chunks; return how many.

    On SQLite the driver's ``executemany`` takes the tuples after the columns' own
    bind processors (dates, booleans), exactly what SQLAlchemy would send, without
    its per-row parameter bookkeeping, which costs more than SQLite's insert itself
    at a million rows. Other databases use SQLAlchemy's batched multi-row inserts.
    """
    count = 0
    chunk: list[Sequence[Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= BULK_CHUNK_ROWS:
            count += _insert_chunk(connection, table, columns, chunk)
            chunk = []
    if chunk:
        count += _insert_chunk(connection, table, columns, chunk)
    return count


def _insert_chunk(
    connection: Connection, table: Table, columns: Sequence[str], chunk: list[Sequence[Any]]
) -> int:
    if connection.dialect.name != "sqlite":
        connection.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in chunk])
        return len(chunk)
    processors = [
        (index, processor)
        for index, name in enumerate(columns)
        if (processor := table.c[name].type._cached_bind_processor(connection.dialect))
    ]
    if processors:
        converted = []
        for row in chunk:
            values = list(row)
            for index, processor in processors:
                if values[index] is not None:
                    values[index] = processor(values[index])
            converted.append(values)
        chunk = converted  # type: ignore[assignment]
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, chunk)
    finally:
        cursor.close()
    return len(chunk)
