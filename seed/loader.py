"""The seed loader: validate every file, then replace the data in one transaction.

Deterministic and idempotent: identical files give an identical database (ids
follow sorted keys, not file order), and a run over unchanged files writes
nothing. Any invalid row aborts the run before the database is touched; a failure
while writing rolls the whole transaction back. Every load that changes the data
appends a data version (``seed/versions.py``) in the same transaction; a dry run does
all of it and rolls back.
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
from seed.versions import detect_renames, model_diff, read_models, record_version
from seed.writing import WriteContext, sha256_file

LOADER_VERSION = 1
# Tables a load never empties: the history of data versions outlives every load.
PRESERVED_TABLES = frozenset({"data_version_record"})


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
    diff: dict[str, Any] | None = None
    version_number: int | None = None
    dry_run: bool = False

    def lines(self) -> list[str]:
        """Human-readable summary, one fact per line."""
        state = "loaded" if self.changed else "unchanged, nothing written"
        if self.dry_run:
            state = "dry run, nothing written" if self.changed else state
        out = [f"data version {self.data_version}: {state} in {self.seconds:.2f} s"]
        if self.version_number is not None:
            out.append(f"  version #{self.version_number}")
        out += [f"  {name}: {count}" for name, count in self.counts.items()]
        if self.diff is not None:
            out += diff_lines(self.diff)
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


def diff_lines(diff: dict[str, Any]) -> list[str]:
    """A version's diff in words: one line per model, one per changed field."""
    out = []
    columns = diff.get("columns") or {}
    for spelling, name in sorted(columns.get("renamed", {}).items()):
        out.append(f"  column renamed: {spelling!r} -> {name!r}")
    out += [
        f"  column added (kept per model as extra): {name!r}" for name in columns.get("added", [])
    ]
    out += [f"  column missing (field left null): {name!r}" for name in columns.get("missing", [])]
    out.append(
        f"  models added {len(diff['added'])}, removed {len(diff['removed'])}, renamed "
        f"{len(diff['renamed'])}, changed {len(diff['changed'])}"
    )
    out += [f"  added: {slug}" for slug in diff["added"]]
    out += [f"  removed: {slug}" for slug in diff["removed"]]
    out += [
        f"  renamed: {r['from']} -> {r['to']} (old slug kept as alias)" for r in diff["renamed"]
    ]
    for change in diff["changed"]:
        for name, values in change["fields"].items():
            out.append(
                f"  changed: {change['slug']} {name}: {values['old']!r} -> {values['new']!r}"
            )
    return out


def default_sources(
    seed_dir: Path, *, epoch: EpochSource | None = None, more_model_slugs: Sequence[str] = ()
) -> list[SeedSource]:
    """Every data set shipped in ``seed_dir``, in write order; ``epoch`` replaces the
    committed models (``dle import``), ``more_model_slugs`` are slugs links may still name
    (former slugs of renamed models)."""
    epoch = epoch or EpochSource(seed_dir)
    # With invalid model rows, links to their slugs would be reported too: skip that echo.
    model_slugs = None if epoch.issues else {*epoch.slugs().values(), *more_model_slugs}
    return [
        epoch,
        MilestoneSource(seed_dir, model_slugs),
        SelectionSource(seed_dir, model_slugs),
        *name_sources(seed_dir, epoch),
    ]


class _RollBackDryRunError(Exception):
    """Raised inside the transaction of a dry run so that it rolls back."""

    def __init__(self, report: SeedReport) -> None:
        self.report = report


def load_seed(
    database_url: str,
    seed_dir: Path,
    *,
    sources: list[SeedSource] | None = None,
) -> SeedReport:
    """Validate the seed files and load them; raise SeedError (writing nothing) if invalid."""
    sources = sources if sources is not None else default_sources(seed_dir)
    return load_sources(database_url, sources)


def load_sources(
    database_url: str,
    sources: list[SeedSource],
    *,
    kind: str = "seed",
    renames: dict[str, str] | None = None,
    columns: dict[str, Any] | None = None,
    expected_version: str | None = None,
    dry_run: bool = False,
) -> SeedReport:
    """Load ``sources`` in one transaction and record the data version with its diff.

    ``renames`` (old slug -> new) when the caller detected them, else they are detected
    here; ``expected_version``: refuse when another load changed the data since the caller
    read it; ``dry_run``: do everything, report it, and roll back.
    """
    started = time.perf_counter()
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
            if expected_version is not None and current != expected_version:
                reason = f"the data changed during the import ({expected_version} -> {current})"
                raise SeedError([SeedIssue("<database>", None, None, reason + "; run it again")])
            if current == version:
                counts = {"records written": 0}
                return SeedReport(
                    version, False, counts, notices, time.perf_counter() - started, dry_run=dry_run
                )
            loaded_at = dt.datetime.now(dt.UTC)
            before = read_models(connection)
            counts = _replace_all(connection, sources, version, loaded_at)
            after = read_models(connection)
            found = renames if renames is not None else detect_renames(before, after)
            diff = {**model_diff(before, after, found), "columns": columns or {}}
            number = record_version(
                connection,
                data_version=version,
                previous_version=current,
                kind=kind,
                loaded_at=loaded_at,
                source=sources[0].data_sources()[0],
                counts=counts,
                diff=diff,
            )
            report = SeedReport(
                version,
                True,
                counts,
                notices,
                time.perf_counter() - started,
                diff=diff,
                version_number=number,
                dry_run=dry_run,
            )
            if dry_run:
                raise _RollBackDryRunError(report)
        checkpoint(engine)  # best effort, after the commit: never fails the seed
    except _RollBackDryRunError as done:
        return done.report
    finally:
        engine.dispose()
    return report


def _require_schema(connection: Connection) -> None:
    missing = set(metadata.tables) - set(inspect(connection).get_table_names())
    if missing:
        names = ", ".join(sorted(missing))
        reason = f"the database is not migrated (missing {names}); run `dle migrate`"
        raise SeedError([SeedIssue("<database>", None, None, reason)])


def _replace_all(
    connection: Connection, sources: list[SeedSource], version: str, loaded_at: dt.datetime
) -> dict[str, int]:
    if connection.dialect.name == "sqlite":
        # A page cache for this connection only (256 MiB): index inserts of large
        # loads stop re-reading pages from disk. Nothing else changes.
        connection.exec_driver_sql("PRAGMA cache_size = -262144")
    for table in reversed(metadata.sorted_tables):
        if table.name not in PRESERVED_TABLES:
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
                "loaded_at": loaded_at,
            }
        ],
    )
    return counts
