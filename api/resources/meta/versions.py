"""Data versions: the history of loads (``/v1/meta/versions``) and each one's data.

A version's data is its snapshot (``data_version_record.snapshot``): the rows the trend
statistics read, as they were committed. To answer a statistic pinned to an older
version, the snapshot is loaded into an in-memory SQLite database with the served
tables' names and columns, so the trend code runs its very queries on the very rows and
gives the same n, slopes and intervals. At most ``MAX_CACHED_VERSIONS`` such databases
are kept per process (least recently used dropped): memory stays bounded by a few
snapshots, each about the size of the model table's numbers.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import zlib
from typing import Any

from cachetools import LRUCache
from sqlalchemy import (
    Column,
    Date,
    Engine,
    MetaData,
    StaticPool,
    Table,
    create_engine,
    insert,
    select,
)
from sqlmodel import Session, col

from api.errors import NotFoundError
from api.provenance import as_utc
from api.tables import DataVersionRecord, metadata

MAX_CACHED_VERSIONS = 2

_SUMMARY_COLUMNS = (
    "id",
    "data_version",
    "kind",
    "loaded_at",
    "file_name",
    "sha256",
    "row_count",
    "source_url",
    "previous_version",
    "snapshot_sha256",
    "counts",
)


def _summary(row: Any) -> dict[str, Any]:
    out = {name: getattr(row, name) for name in _SUMMARY_COLUMNS}
    out["loaded_at"] = as_utc(out["loaded_at"])
    out["counts"] = json.loads(out["counts"])
    return out


def list_versions(session: Session) -> list[dict[str, Any]]:
    """Every recorded version, newest first, without its diff."""
    columns = [getattr(DataVersionRecord, name) for name in _SUMMARY_COLUMNS]
    rows = session.execute(select(*columns).order_by(col(DataVersionRecord.id).desc())).all()
    return [_summary(row) for row in rows]


def _record(session: Session, version: str, *columns: Any) -> Any:
    query = select(*columns).order_by(col(DataVersionRecord.id).desc()).limit(1)
    if version.isdigit():
        query = query.where(col(DataVersionRecord.id) == int(version))
    else:
        query = query.where(col(DataVersionRecord.data_version) == version)
    row = session.execute(query).first()
    if row is None:
        raise NotFoundError(f"No data version {version!r}; see /v1/meta/versions.")
    return row


def get_version(session: Session, version: str) -> dict[str, Any]:
    """One version (by data version or sequence number) with its diff against the previous."""
    columns = [getattr(DataVersionRecord, name) for name in _SUMMARY_COLUMNS]
    row = _record(session, version, *columns, col(DataVersionRecord.diff))
    return {**_summary(row), "diff": json.loads(row.diff)}


def resolve_version(session: Session, version: str) -> tuple[str, dt.datetime]:
    """The data version ``version`` names (itself or a sequence number) and when it was
    loaded (its latest load); 404 when it was never recorded."""
    row = _record(
        session, version, col(DataVersionRecord.data_version), col(DataVersionRecord.loaded_at)
    )
    return str(row.data_version), as_utc(row.loaded_at)


_engines: LRUCache[str, Engine] = LRUCache(maxsize=MAX_CACHED_VERSIONS)
_lock = threading.Lock()


def snapshot_engine(session: Session, version: str) -> Engine:
    """A read-only in-memory database holding ``version``'s snapshot (cached per version)."""
    with _lock:
        engine = _engines.get(version)
    if engine is not None:
        return engine
    row = _record(
        session, version, col(DataVersionRecord.snapshot_sha256), col(DataVersionRecord.snapshot)
    )
    engine = _build(json.loads(zlib.decompress(row.snapshot)))
    with _lock:
        _engines[version] = engine
    return engine


def _build(payload: dict[str, Any]) -> Engine:
    engine = create_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )
    shadow = MetaData()
    tables = []
    for name, data in payload.items():
        source = metadata.tables[name]
        columns = [source.c[c] for c in data["columns"]]
        table = Table(
            name,
            shadow,
            *(Column(c.name, c.type, primary_key=c.primary_key) for c in columns),
        )
        rows = [
            {
                c.name: dt.date.fromisoformat(v) if isinstance(c.type, Date) and v else v
                for c, v in zip(columns, row, strict=True)
            }
            for row in data["rows"]
        ]
        tables.append((table, rows))
    shadow.create_all(engine)
    with engine.begin() as connection:
        for table, rows in tables:
            if rows:
                connection.execute(insert(table), rows)
        connection.exec_driver_sql("PRAGMA query_only = ON")
    return engine
