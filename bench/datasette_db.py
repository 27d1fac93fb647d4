"""The seed CSV as one flat SQLite table, for Datasette to serve in the benchmark.

The table holds the same rows, ids, slugs and values as the service's database: the
CSV is read with the service's own parser (``seed.sources.epoch``), slugs come from the same
function and ids follow the same order (publication date, then slug). Multi-valued
columns become JSON arrays, which Datasette filters with ``__arraycontains`` and
counts with ``_facet_array``.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from seed.slugs import assign_unique_slugs
from seed.sources import epoch

LIST_FIELDS = tuple(column.field for column in epoch.LIST_COLUMNS)
SCALAR_FIELDS = tuple(column.field for column in epoch.SCALAR_COLUMNS)
TABLE = "models"


def build(csv_path: Path, db_path: Path) -> int:
    """Write ``db_path`` with one ``models`` table; return the number of rows."""
    records, issues = epoch.read_epoch_csv(csv_path)
    if issues:
        raise ValueError(f"{csv_path}: {issues[0]}")
    slugs = assign_unique_slugs((r.name, r.publication_date.isoformat()) for r in records)
    ordered = sorted(records, key=lambda r: (r.publication_date, slugs[r.name]))
    columns = ["id", "slug", *SCALAR_FIELDS, "source_line", *LIST_FIELDS]
    db_path.unlink(missing_ok=True)
    connection = sqlite3.connect(db_path)
    try:
        definitions = ", ".join(
            ["id INTEGER PRIMARY KEY", "slug TEXT NOT NULL UNIQUE"]
            + [f"{name} {_sql_type(name)}" for name in columns[2:]]
        )
        connection.execute(f"CREATE TABLE {TABLE} ({definitions})")
        # The index a Datasette publisher would add for a table browsed by date.
        connection.execute(
            f"CREATE INDEX ix_{TABLE}_publication_date ON {TABLE} (publication_date)"
        )
        rows = []
        for model_id, record in enumerate(ordered, start=1):
            values = record.model_dump()
            row: list[object] = [model_id, slugs[record.name]]
            for name in columns[2:]:
                value = values[name]
                if name in LIST_FIELDS:
                    value = json.dumps(value, ensure_ascii=False)
                elif name == "publication_date":
                    value = value.isoformat()
                row.append(value)
            rows.append(row)
        marks = ", ".join("?" for _ in columns)
        connection.executemany(f"INSERT INTO {TABLE} ({', '.join(columns)}) VALUES ({marks})", rows)
        connection.commit()
        connection.execute("VACUUM")
    finally:
        connection.close()
    return len(rows)


def _sql_type(name: str) -> str:
    annotation = epoch.EpochModelRecord.model_fields[name].annotation
    if annotation in (float, float | None):
        return "REAL"
    if annotation in (int, bool):
        return "INTEGER"
    return "TEXT"
