"""Data version and provenance, read in the same session as the data they describe."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session, col

from api.errors import ServiceUnavailableError
from api.tables import DataRelease, DataSource


@dataclass(frozen=True)
class Provenance:
    """The data version and the licence/attribution of the seeded sources."""

    data_version: str
    license: str
    attribution: str
    loaded_at: dt.datetime | None = None

    def as_meta(self) -> dict[str, str]:
        """The ``meta`` object attached to data responses."""
        return {
            "data_version": self.data_version,
            "license": self.license,
            "attribution": self.attribution,
        }


def current_data_version(session: Session) -> str | None:
    """The seeded data's version, or None when nothing is seeded."""
    return session.execute(select(col(DataRelease.data_version))).scalar_one_or_none()


def as_utc(value: dt.datetime) -> dt.datetime:
    """An aware UTC datetime; a naive one (SQLite keeps no offset) is read as UTC, which
    is what the loader writes."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


# Licence texts only change with the data version, so they are remembered per version.
_licences_by_version: dict[str, tuple[str, str]] = {}
# When each data version was loaded: the ``Last-Modified`` of its responses. Recorded by
# ``provenance`` (every data request calls it), read by ``api.http.conditional``.
_loaded_at_by_version: dict[str, dt.datetime] = {}


def loaded_at(data_version: str) -> dt.datetime | None:
    """When ``data_version`` was loaded (UTC), if a request of this process has read it."""
    return _loaded_at_by_version.get(data_version)


def provenance(session: Session) -> Provenance:
    """The current data version and attribution; 503 when the database holds no data."""
    row = session.execute(
        select(col(DataRelease.data_version), col(DataRelease.loaded_at))
    ).one_or_none()
    if row is None:
        raise ServiceUnavailableError("The database is not seeded yet; run `dle seed`.")
    version, loaded = row[0], as_utc(row[1])
    _loaded_at_by_version[version] = loaded
    if version not in _licences_by_version:
        _licences_by_version[version] = _licences(session)
    return Provenance(version, *_licences_by_version[version], loaded_at=loaded)


def _licences(session: Session) -> tuple[str, str]:
    sources = session.execute(
        select(col(DataSource.license), col(DataSource.attribution)).order_by(col(DataSource.key))
    ).all()
    licenses = "; ".join(dict.fromkeys(row.license for row in sources))
    attribution = "; ".join(dict.fromkeys(row.attribution for row in sources))
    return licenses, attribution
