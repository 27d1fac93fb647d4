"""Provenance tables: the seeded files and the data version they make."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Text
from sqlmodel import Field, SQLModel


class DataSource(SQLModel, table=True):
    """One seeded data file, with its licence and checksum."""

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


class DataRelease(SQLModel, table=True):
    """The seeded data as a whole: one row, replaced by each seed that changes data."""

    __tablename__ = "data_release"

    id: int | None = Field(default=None, primary_key=True)
    data_version: str = Field(max_length=64)
    loader_version: int
    loaded_at: dt.datetime
