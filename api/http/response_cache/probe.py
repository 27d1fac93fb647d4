"""Reading the data generation that keys the response cache (see the package docs)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Protocol

import anyio.to_thread
from sqlalchemy import Engine, create_engine

from api.config import Settings
from api.db.engine import is_sqlite, postgres_connect_args, read_only_authorizer, sqlite_path

GENERATION_SQL = "SELECT data_version, loaded_at FROM data_release"


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
                self._connection.set_authorizer(read_only_authorizer)
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
