"""Provenance tables: the loaded files, the data version they make, and its history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import LargeBinary, Text
from sqlmodel import Field, SQLModel


class DataSource(SQLModel, table=True):
    """One loaded data file, with its licence and checksum."""

    __tablename__ = "data_source"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=100)
    title: str = Field(max_length=300)
    file_name: str = Field(max_length=300)
    url: str | None = Field(default=None, max_length=500)
    license: str = Field(max_length=200)
    attribution: str = Field(sa_type=Text)
    snapshot_date: dt.date | None = None
    sha256: str = Field(max_length=64)
    row_count: int
    imported_at: dt.datetime | None = Field(
        default=None, description="When `dle import` loaded the file; null for the seed."
    )
    source_url: str | None = Field(
        default=None, max_length=2000, description="Where the imported file was downloaded."
    )


class DataRelease(SQLModel, table=True):
    """The loaded data as a whole: one row, replaced by each seed or import that changes data."""

    __tablename__ = "data_release"

    id: int | None = Field(default=None, primary_key=True)
    data_version: str = Field(max_length=64)
    loader_version: int
    loaded_at: dt.datetime


class DataVersionRecord(SQLModel, table=True):
    """One seed or import that changed the data: kept for good (never deleted by a load).

    ``snapshot`` is the zlib-compressed JSON of exactly the rows the trend statistics read
    (``SNAPSHOT_COLUMNS``), so a statistic pinned to this version is computed again from
    the very same rows; ``snapshot_sha256`` is the checksum of the uncompressed JSON.
    ``diff`` is the JSON of what changed against the previous version.
    """

    __tablename__ = "data_version_record"

    id: int = Field(primary_key=True, description="Sequence number: 1 for the first load.")
    data_version: str = Field(max_length=64, index=True)
    kind: str = Field(max_length=10, description="`seed` or `import`.")
    loaded_at: dt.datetime
    file_name: str = Field(max_length=300)
    sha256: str = Field(max_length=64)
    row_count: int
    source_url: str | None = Field(default=None, max_length=2000)
    previous_version: str | None = Field(default=None, max_length=64)
    counts: str = Field(sa_type=Text)
    diff: str = Field(sa_type=Text)
    snapshot_sha256: str = Field(max_length=64)
    snapshot: bytes = Field(sa_type=LargeBinary)


# What a version's snapshot keeps of each table: what the trend queries read (the
# model's dates, numbers, flags and choices; the domains and organizations the filters
# match; the eras). Free text is left out: no statistic reads it.
SNAPSHOT_TABLES: tuple[str, ...] = (
    "ml_model",
    "domain",
    "ml_model_domain",
    "organization",
    "ml_model_organization",
    "era",
)
