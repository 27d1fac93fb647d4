"""The seed loader: validate every file, then replace the data in one transaction.

Deterministic and idempotent: identical files give an identical database (ids
follow sorted keys, not file order), and a run over unchanged files writes
nothing. Any invalid row aborts the run before the database is touched; a failure
while writing rolls the whole transaction back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, insert, inspect, select
from sqlmodel import col

from api.db.writable import checkpoint, make_writable_engine
from api.tables import DataRelease, DataSource, metadata
from seed.errors import SeedError, SeedIssue
from seed.sources.aliases import name_sources
from seed.sources.epoch_writer import EpochSource
from seed.sources.selections import SelectionSource
from seed.sources.timeline_writer import MilestoneSource
from seed.writing import WriteContext, sha256_file

LOADER_VERSION = 1


class SeedSource(Protocol):
    """One seed data set: read and validated up front, written inside the transaction."""

    @property
    def files(self) -> Sequence[Path]:
        """The files this source reads (they make the data version)."""
        ...

    @property
    def issues(self) -> list[SeedIssue]:
        """Problems that make the files unloadable."""
        ...

    @property
    def notices(self) -> list[SeedIssue]:
        """Things loaded with a caveat (kept verbatim, left null)."""
        ...

    def data_sources(self) -> list[dict[str, Any]]:
        """Rows for the ``data_source`` table (provenance of each file)."""
        ...

    def write(self, connection: Connection, context: WriteContext) -> dict[str, int]:
        """Insert the rows; return counts by kind of record."""
        ...


@dataclass
class SeedReport:
    """What a seed run did."""

    data_version: str
    changed: bool
    counts: dict[str, int]
    notices: list[SeedIssue]
    seconds: float

    def lines(self) -> list[str]:
        """Human-readable summary, one fact per line."""
        state = "loaded" if self.changed else "unchanged, nothing written"
        out = [f"data version {self.data_version}: {state} in {self.seconds:.2f} s"]
        out += [f"  {name}: {count}" for name, count in self.counts.items()]
        if self.notices:
            out.append(f"  kept as text, field left null ({len(self.notices)}):")
            out += [f"    {notice}" for notice in self.notices]
        return out


def compute_data_version(files: Sequence[Path]) -> str:
    """A short hash of the seed files' names and contents and of the loader version."""
    digest = hashlib.sha256(f"loader:{LOADER_VERSION}\n".encode())
    for path in sorted(files, key=lambda p: p.name):
        digest.update(f"{path.name}:{sha256_file(path)}\n".encode())
    return digest.hexdigest()[:12]


def default_sources(seed_dir: Path) -> list[SeedSource]:
    """Every data set shipped in ``seed_dir``, in write order."""
    epoch = EpochSource(seed_dir)
    # With invalid model rows, links to their slugs would be reported too: skip that echo.
    model_slugs = None if epoch.issues else set(epoch.slugs().values())
    return [
        epoch,
        MilestoneSource(seed_dir, model_slugs),
        SelectionSource(seed_dir, model_slugs),
        *name_sources(seed_dir, epoch),
    ]


def load_seed(
    database_url: str,
    seed_dir: Path,
    *,
    sources: list[SeedSource] | None = None,
) -> SeedReport:
    """Validate the seed files and load them; raise SeedError (writing nothing) if invalid."""
    started = time.perf_counter()
    sources = sources if sources is not None else default_sources(seed_dir)
    issues = [issue for source in sources for issue in source.issues]
    if issues:
        raise SeedError(issues)
    notices = [notice for source in sources for notice in source.notices]
    version = compute_data_version([path for source in sources for path in source.files])

    engine = make_writable_engine(database_url)
    try:
        with engine.begin() as connection:
            _require_schema(connection)
            current = connection.execute(select(col(DataRelease.data_version))).scalar_one_or_none()
            if current == version:
                counts = {"records written": 0}
                return SeedReport(version, False, counts, notices, time.perf_counter() - started)
            counts = _replace_all(connection, sources, version)
        checkpoint(engine)  # best effort, after the commit: never fails the seed
    finally:
        engine.dispose()
    return SeedReport(version, True, counts, notices, time.perf_counter() - started)


def _require_schema(connection: Connection) -> None:
    missing = set(metadata.tables) - set(inspect(connection).get_table_names())
    if missing:
        names = ", ".join(sorted(missing))
        reason = f"the database is not migrated (missing {names}); run `dle migrate`"
        raise SeedError([SeedIssue("<database>", None, None, reason)])


def _replace_all(connection: Connection, sources: list[SeedSource], version: str) -> dict[str, int]:
    if connection.dialect.name == "sqlite":
        # A page cache for this connection only (256 MiB): index inserts of large
        # loads stop re-reading pages from disk. Nothing else changes.
        connection.exec_driver_sql("PRAGMA cache_size = -262144")
    for table in reversed(metadata.sorted_tables):
        connection.execute(table.delete())
    source_rows = [row for source in sources for row in source.data_sources()]
    for index, row in enumerate(sorted(source_rows, key=lambda r: str(r["key"])), start=1):
        connection.execute(insert(DataSource), [{**row, "id": index}])
    context = WriteContext()
    counts: dict[str, int] = {}
    for source in sources:
        counts.update(source.write(connection, context))
    connection.execute(
        insert(DataRelease),
        [
            {
                "id": 1,
                "data_version": version,
                "loader_version": LOADER_VERSION,
                "loaded_at": dt.datetime.now(dt.UTC),
            }
        ],
    )
    return counts
