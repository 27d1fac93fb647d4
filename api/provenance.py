"""Data version and provenance, read in the same session as the data they describe."""

from __future__ import annotations

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


# Licence texts only change with the data version, so they are remembered per version.
_licences_by_version: dict[str, tuple[str, str]] = {}


def provenance(session: Session) -> Provenance:
    """The current data version and attribution; 503 when the database holds no data."""
    version = current_data_version(session)
    if version is None:
        raise ServiceUnavailableError("The database is not seeded yet; run `dle seed`.")
    if version not in _licences_by_version:
        _licences_by_version[version] = _licences(session)
    return Provenance(version, *_licences_by_version[version])


def _licences(session: Session) -> tuple[str, str]:
    sources = session.execute(
        select(col(DataSource.license), col(DataSource.attribution)).order_by(col(DataSource.key))
    ).all()
    licenses = "; ".join(dict.fromkeys(row.license for row in sources))
    attribution = "; ".join(dict.fromkeys(row.attribution for row in sources))
    return licenses, attribution
